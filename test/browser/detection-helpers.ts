/** Appends `count` contact rows, as a CRM renders a page of them: a name, a mobile number (98450 0…), an invoice ID. */
export function fillRows(body: HTMLTableSectionElement, from: number, count: number): void {
  const rows = Array.from({ length: count }, (_, offset) => {
    const index = from + offset;
    const mobile = String(9845000000 + index);
    return `<tr><td>Lead ${index}</td><td>${mobile.slice(0, 5)} ${mobile.slice(5)}</td><td>INV-2024-${String(index).padStart(6, '0')}</td></tr>`;
  });
  body.insertAdjacentHTML('beforeend', rows.join(''));
}
