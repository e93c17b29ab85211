/**
 * The example partner and a sandbox in one process, wired to each other, with fresh test keys:
 * what `ucsp-sandbox demo` runs the suite against, and what tests use to prove the suite's teeth.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig, type SandboxConfig } from '../../src/config/index.js';
import { loadCertificates, loadSigner, writeTestKeys } from '../../src/crypto/index.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/start-sandbox.js';
import type { PartnerBugs } from './bugs.js';
import { createExamplePartner } from './partner-app.js';
import type { PartnerSlowness } from './slow.js';

export interface ExampleWorld {
  config: SandboxConfig;
  sandbox: RunningSandbox;
  partnerUrl: string;
  close(): Promise<void>;
}

/** `slowNoticeMs`, `slowDriverMs`, `slowLoginMs`: a slow but correct partner (slow.ts). */
/** `answerForm`: the sandbox answers in that form (config answerForm) and the partner accepts it. */
export async function startExampleWorld(o: { bugs?: Partial<PartnerBugs>; log?: (line: string) => void; answerForm?: 'signed' | 'minimal' } & PartnerSlowness = {}): Promise<ExampleWorld> {
  const dir = await mkdtemp(join(tmpdir(), 'ucsp-example-'));
  try {
    await writeTestKeys(dir);
    const config = resolveConfig(undefined, {
      baseDir: dir,
      overrides: {
        keysDir: dir,
        port: 0,
        timeScale: 0,
        ...(o.answerForm ? { answerForm: o.answerForm } : {}),
        partner: { indexUrl: 'http://127.0.0.1:9/ucsp/login', driverUrl: 'http://127.0.0.1:9/driver' },
      },
    });
    const sandbox = await startSandbox(config);
    const partner = createExamplePartner({
      ucspApiUrl: `${sandbox.urls.ucsp}/ucsp/api`,
      signer: await loadSigner(join(dir, 'partner.key.pem'), join(dir, 'partner.cert.pem')),
      ucspCertificates: await loadCertificates(join(dir, 'ucsp.cert.pem')),
      insID: config.partner.insID,
      merId: config.partner.merId,
      acqIIN: config.partner.acqIIN,
      ...(o.bugs ? { bugs: o.bugs } : {}),
      ...(o.log ? { log: o.log } : {}),
      ...(o.answerForm ? { answerForm: o.answerForm } : {}),
      ...(o.slowNoticeMs !== undefined ? { slowNoticeMs: o.slowNoticeMs } : {}),
      ...(o.slowDriverMs !== undefined ? { slowDriverMs: o.slowDriverMs } : {}),
      ...(o.slowLoginMs !== undefined ? { slowLoginMs: o.slowLoginMs } : {}),
    });
    const listening = await partner.listen(0, '127.0.0.1');
    // the sandbox's runtime holds this same config object: point it at the partner now that it listens
    config.partner.indexUrl = `${listening.url}/ucsp/login`;
    config.partner.driverUrl = `${listening.url}/driver`;
    return {
      config,
      sandbox,
      partnerUrl: listening.url,
      close: async () => {
        await listening.close();
        await sandbox.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}
