/**
 * Progress of long work (imports, seeding, backups, reports): the PhaseProgress shape that domains
 * report through, a terminal reporter for the command line and a silent one for tests and the API.
 */
import cliProgress from 'cli-progress'

/** Reports progress of one phase of long work. */
export interface PhaseProgress {
  start(phase: string, total: number): void
  update(done: number): void
  stop(): void
}

/**
 * A progress reporter for the terminal: a bar on a TTY, a line per 10 % otherwise (CI logs).
 * @example const p = terminalProgress(); p.start('addresses', 100_000); p.update(5_000); p.stop()
 */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): PhaseProgress {
  let bar: cliProgress.SingleBar | null = null
  let phase = ''
  let total = 0
  let lastTenth = -1
  let started = 0
  return {
    start(name, n) {
      phase = name
      total = n
      lastTenth = -1
      started = Date.now()
      if (stream.isTTY) {
        bar = new cliProgress.SingleBar(
          { format: `  ${name.padEnd(12)} {bar} {percentage}% | {value}/{total} | {eta_formatted} left`, stream, hideCursor: true },
          cliProgress.Presets.shades_classic,
        )
        bar.start(n, 0)
      }
    },
    update(done) {
      if (bar) return bar.update(done)
      const tenth = total > 0 ? Math.floor((done / total) * 10) : 10
      if (tenth > lastTenth) {
        lastTenth = tenth
        stream.write(`  ${phase}: ${done}/${total} (${tenth * 10}%)\n`)
      }
    },
    stop() {
      bar?.stop()
      bar = null
      stream.write(`  ${phase}: done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`)
    },
  }
}

/** A reporter that reports nothing (tests, library use). */
export const silentProgress: PhaseProgress = { start() {}, update() {}, stop() {} }
