import { expect } from '@open-wc/testing';

import { type ActiveCall, ActiveCalls, activeCalls, agentKeyFor, STORAGE_KEY } from '../../src/element/active-calls.js';

/** Resolves at the next change the record of calls hears, here or from another tab. */
function nextChange(calls: ActiveCalls): Promise<void> {
  return new Promise((resolve) => {
    const stop = calls.watch(() => {
      stop();
      resolve();
    });
  });
}

/** A Storage of its own, so these tests do not touch the page's real record of calls. */
function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (key) => items.get(key) ?? null,
    key: (index) => [...items.keys()][index] ?? null,
    removeItem: (key) => void items.delete(key),
    setItem: (key, value) => void items.set(key, value),
  };
}

function record(overrides: Partial<ActiveCall> = {}): ActiveCall {
  return {
    agentKey: '+919876543210',
    customerNumber: '+918000000001',
    agentNumber: '+919876543210',
    proxyUrl: '/api/superfone/call',
    notificationId: 1,
    callId: null,
    startedAt: Date.now(),
    endsAt: null,
    ...overrides,
  };
}

describe('the record of active calls shared by tabs', () => {
  it('keys server-bound agents by proxy, so two proxies never share a call', () => {
    expect(agentKeyFor('+919876543210', '/a')).to.equal('+919876543210');
    expect(agentKeyFor(null, '/a')).to.not.equal(agentKeyFor(null, '/b'));
  });

  it('keeps a call in storage, so a new page (a reload) finds it', () => {
    const storage = memoryStorage();
    new ActiveCalls(storage, null).set(record());
    expect(new ActiveCalls(storage, null).get('+919876543210')?.customerNumber).to.equal('+918000000001');
  });

  it('tells other tabs over BroadcastChannel, which hears set and clear', async () => {
    const name = `test-${Math.random()}`;
    const here = new ActiveCalls(memoryStorage(), new BroadcastChannel(name));
    const thereStorage = memoryStorage();
    const there = new ActiveCalls(thereStorage, new BroadcastChannel(name));
    const changed = nextChange(there);
    here.set(record());
    await changed;
    expect(there.get('+919876543210')?.notificationId).to.equal(1);
    const cleared = nextChange(there);
    here.clear('+919876543210', 1);
    await cleared;
    expect(there.get('+919876543210')).to.equal(undefined);
  });

  it('clears only the call it was asked to, not a newer one', () => {
    const calls = new ActiveCalls(memoryStorage(), null);
    calls.set(record({ notificationId: 2 }));
    calls.clear('+919876543210', 1);
    expect(calls.get('+919876543210')?.notificationId).to.equal(2);
  });

  it('forgets stale records: no end ever came within 4 hours (the README’s expiry), or the time limit long passed', () => {
    const calls = new ActiveCalls(memoryStorage(), null);
    const hours = 60 * 60 * 1000;
    calls.set(record({ startedAt: Date.now() - 4 * hours + 60_000 }));
    expect(calls.get('+919876543210'), 'a minute short of 4 hours: still the agent’s call').to.exist;
    calls.set(record({ startedAt: Date.now() - 4 * hours - 1000 }));
    expect(calls.get('+919876543210')).to.equal(undefined);
    calls.set(record({ endsAt: Date.now() - 5 * 60 * 1000 }));
    expect(calls.get('+919876543210')).to.equal(undefined);
    calls.set(record({ endsAt: Date.now() + 60 * 1000 }));
    expect(calls.get('+919876543210')).to.exist;
  });

  it('survives storage that refuses to be read or written', () => {
    const broken = memoryStorage();
    broken.getItem = () => {
      throw new Error('SecurityError');
    };
    broken.setItem = () => {
      throw new Error('QuotaExceededError');
    };
    const calls = new ActiveCalls(broken, null);
    calls.set(record());
    expect(calls.get('+919876543210')?.customerNumber).to.equal('+918000000001');
  });
});

describe('the page’s shared record, without BroadcastChannel', () => {
  it('learns of another tab’s call from the storage event alone', async () => {
    // A same-origin frame is another document: its write reaches this page only as a
    // storage event, the path a browser without BroadcastChannel depends on.
    const calls = activeCalls();
    const key = agentKeyFor('+919812345600', '/api/superfone/call');
    expect(calls.get(key)).to.equal(undefined);
    const frame = document.createElement('iframe');
    document.body.append(frame);
    try {
      const changed = nextChange(calls);
      const written = record({ agentKey: key, agentNumber: '+919812345600', notificationId: 99 });
      frame.contentWindow!.localStorage.setItem(STORAGE_KEY, JSON.stringify({ [key]: written }));
      await changed;
      expect(calls.get(key)).to.deep.equal(written);
    } finally {
      frame.remove();
      localStorage.removeItem(STORAGE_KEY);
      calls.reload();
    }
  });
});
