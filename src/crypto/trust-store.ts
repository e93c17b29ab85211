/** The certificates a verifier trusts, by signCertID (decimal serial). */
import type { CertInfo } from './credentials.js';

export class TrustStore {
  private readonly bySerial = new Map<string, CertInfo>();

  constructor(certs: Iterable<CertInfo> = []) {
    for (const c of certs) this.add(c);
  }

  add(cert: CertInfo): this {
    this.bySerial.set(cert.serial, cert);
    return this;
  }

  get(signCertID: string): CertInfo | undefined {
    return this.bySerial.get(signCertID);
  }

  get ids(): string[] {
    return [...this.bySerial.keys()];
  }

  all(): CertInfo[] {
    return [...this.bySerial.values()];
  }
}
