import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { clientIdentity } from '../../../../src/server/core/guards/client-identity.js';
import { proxiesPerTest, startBody } from '../../helpers.js';

describe('client identity: IPv4 by address, IPv6 by its /64 network', { timeout: 30_000 }, () => {
  it('reads addresses as written by hand', () => {
    const cases: Array<[string | undefined, number, string | null]> = [
      ['203.0.113.7', 64, '203.0.113.7'],
      ['::ffff:203.0.113.7', 64, '203.0.113.7'],
      ['2001:db8:1:2:3:4:5:6', 64, '2001:db8:1:2:0:0:0:0/64'],
      ['2001:db8:1:2::ffff', 64, '2001:db8:1:2:0:0:0:0/64'],
      ['2001:0db8:0001:0002:ffff:ffff:ffff:ffff', 64, '2001:db8:1:2:0:0:0:0/64'],
      ['fe80::1%eth0', 64, 'fe80:0:0:0:0:0:0:0/64'],
      ['2001:db8:1:2::9', 48, '2001:db8:1:0:0:0:0:0/48'],
      ['2001:db8:1:2::9', 56, '2001:db8:1:0:0:0:0:0/56'],
      ['2001:db8:1:2ff::9', 56, '2001:db8:1:200:0:0:0:0/56'],
      ['2001:db8:1:2::9', 128, '2001:db8:1:2:0:0:0:9/128'],
      [undefined, 64, null],
      ['', 64, null],
      // Not IPv6 (nine groups, with or without '::'): used as written, never a thrown error.
      ['1:2:3:4:5:6:7::8:9', 64, '1:2:3:4:5:6:7::8:9'],
      ['1:2:3:4:5:6:7:8:9', 64, '1:2:3:4:5:6:7:8:9'],
      ['1::2::3', 64, '1::2::3'],
    ];
    for (const [address, prefix, expected] of cases) assert.equal(clientIdentity(address, prefix), expected, `${address} /${prefix}`);
  });

  const proxyFor = proxiesPerTest();
  const endFrom = (proxy: Awaited<ReturnType<typeof proxyFor>>, clientAddress: string) => proxy.call({ ...startBody(), call_action: 'END' }, { platform: { clientAddress } });

  it('a host rotating through its /64 shares one allowance; the next /64 has its own', async () => {
    const proxy = await proxyFor({ rateLimits: { endsPerClient: { points: 1, durationSec: 60 } } });
    assert.equal((await endFrom(proxy, '2001:db8:1:2::1')).status, 200);
    assert.equal((await endFrom(proxy, '2001:db8:1:2:ffff:ffff:ffff:fffe')).status, 429, 'another address in the same /64');
    assert.equal((await endFrom(proxy, '2001:db8:1:3::1')).status, 200, 'the next /64');
    assert.equal((await endFrom(proxy, '203.0.113.7')).status, 200);
    assert.equal((await endFrom(proxy, '::ffff:203.0.113.7')).status, 429, 'the same IPv4 client on a dual-stack socket');
  });

  it('ipv6PrefixLength: 48 groups a whole site', async () => {
    const proxy = await proxyFor({ ipv6PrefixLength: 48, rateLimits: { endsPerClient: { points: 1, durationSec: 60 } } });
    assert.equal((await endFrom(proxy, '2001:db8:1:2::1')).status, 200);
    assert.equal((await endFrom(proxy, '2001:db8:1:3::1')).status, 429);
    await assert.rejects(proxyFor({ ipv6PrefixLength: 0 }), /ipv6PrefixLength must be a whole number from 1 to 128/);
  });

  it('the stream budget counts a /64 as one client too', async () => {
    const proxy = await proxyFor({ webhookSecret: 'whsec_test_0123456789abcdef', callStreams: { perClient: 1 } });
    const { callId } = (await proxy.call(startBody())).json;
    const open: Response[] = [];
    const follow = async (clientAddress: string) => {
      const response = await proxy.handler(new Request(`http://localhost/api/superfone/calls/${callId}/events`), { clientAddress });
      open.push(response);
      return response.status;
    };
    try {
      assert.equal(await follow('2001:db8:1:2::1'), 200);
      assert.equal(await follow('2001:db8:1:2::2'), 429, 'the same /64 holds its one stream already');
      assert.equal(await follow('2001:db8:1:3::1'), 200);
    } finally {
      await Promise.all(open.map((response) => response.body?.cancel()));
    }
  });
});
