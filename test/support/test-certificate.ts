import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A self-signed certificate for 127.0.0.1 and localhost, made by openssl in `folder`: served
 * by a loopback https server, trusted by Node through NODE_EXTRA_CA_CERTS (its path is `certFile`).
 */
export function loopbackCertificate(folder: string): { key: string; cert: string; certFile: string } {
  const keyFile = join(folder, 'loopback-key.pem');
  const certFile = join(folder, 'loopback-cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'pipe' },
  );
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
}
