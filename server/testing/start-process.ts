import { spawn } from 'node:child_process'

import { ROOT_DIR } from '../web/static.ts'

export interface StartedProcess {
  url: string
  /** Everything the process wrote to stderr so far. */
  readonly log: string
  /** SIGTERM, then the exit code once it has shut down. */
  stop(): Promise<number | null>
}

/** Runs `npm start`'s entry point as a real process (PORT 0) and waits until it prints its URL. */
export async function startProcess(env: Record<string, string>): Promise<StartedProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli/start.ts'], {
    cwd: ROOT_DIR,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let log = ''
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      log += d.toString()
      const m = /ready in [\d.]+ s: (http:\/\/\S+)/.exec(log)
      if (m) resolve(m[1]!)
    })
    child.on('exit', (code) => reject(new Error(`start exited with ${code}:\n${log}`)))
  })
  return {
    url,
    get log() {
      return log
    },
    stop: () =>
      new Promise((resolve) => {
        child.on('exit', (code) => resolve(code))
        child.kill('SIGTERM')
      }),
  }
}
