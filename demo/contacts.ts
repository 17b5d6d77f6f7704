export interface DemoContact {
  name: string;
  company: string;
  /** As a CRM record has it: mixed formats on purpose. */
  phone: string;
  doNotCall?: boolean;
}

export const DEMO_CONTACTS: readonly DemoContact[] = [
  { name: 'Priya Nair', company: 'Kochi Spices Ltd', phone: '+91 80000 00001' },
  { name: 'Arjun Mehta', company: 'Mehta Logistics', phone: '098450 12345' },
  { name: 'Sunita Reddy', company: 'Deccan Textiles', phone: '(080) 2345-6789' },
  { name: 'Rahul Verma', company: 'Verma & Sons', phone: 'tel:+919845098450' },
  { name: 'Fatima Sheikh', company: 'Blue Lotus Hotels', phone: '0091 99000 12345' },
  { name: 'Oliver Hughes', company: 'Hughes Imports (UK)', phone: '+44 20 7946 0958' },
  { name: 'Kavya Pillai', company: 'Pillai Pharma', phone: '+91 97400 11223', doNotCall: true },
  { name: 'Unknown lead', company: 'Web form', phone: '12345' },
];
