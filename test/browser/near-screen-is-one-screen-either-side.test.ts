import { expect } from '@open-wc/testing';

import { nearScreen } from '../../src/scope/detection/near-screen.js';

/**
 * What detection marks first is what lies on the screen and one screen's height above and
 * below it: scrolling a screen or tabbing meets marks already made, and a page of thousands
 * marks a few dozen at once. Rows of a known height, scrolled to a known place, so which rows
 * are near is worked out from the geometry here, not by asking the code.
 */
describe('near the screen', () => {
  const ROW_PX = 50;

  it('is the screen and one screen above and below it, to the row, wherever the page is scrolled', async () => {
    const rows = Array.from({ length: 400 }, () => {
      const row = document.createElement('div');
      row.style.cssText = `height: ${ROW_PX}px; margin: 0; padding: 0`;
      return row;
    });
    const holder = document.createElement('div');
    holder.style.cssText = 'position: absolute; top: 0; left: 0; width: 100px; margin: 0; padding: 0';
    holder.append(...rows);
    document.body.append(holder);
    const scrolledFrom = window.scrollY;
    try {
      const screen = window.innerHeight;
      for (const scrolled of [0, 1_000, 5_000, 7_000]) {
        window.scrollTo(0, scrolled);
        const pageTop = window.scrollY;
        // Row i spans [i·ROW, (i+1)·ROW) on the page; near is [pageTop − screen, pageTop + 2·screen].
        const first = rows.findIndex((_, i) => (i + 1) * ROW_PX - pageTop >= -screen);
        const afterLast = rows.findIndex((_, i) => i * ROW_PX - pageTop > 2 * screen);
        const [from, to] = nearScreen(rows, (row) => row.getBoundingClientRect());
        expect([from, to], `scrolled to ${pageTop} px, screen ${screen} px`).to.deep.equal([first, afterLast === -1 ? rows.length : afterLast]);
      }
      // Rows hidden or detached have no box and count as near: marking them costs no layout.
      const [from, to] = nearScreen([rows[0]!], () => null);
      expect([from, to]).to.deep.equal([0, 1]);
    } finally {
      holder.remove();
      window.scrollTo(0, scrolledFrom);
    }
  });
});
