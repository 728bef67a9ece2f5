// Loaded with `node -r` by the history bench for one extra run (Linux only): for each git process
// the scan starts, how long it was on a core, how long it waited for one (runnable, but another
// process had it), and how long it was blocked (waiting on a full socket or pipe, or for input):
// /proc/<pid>/schedstat and the process's lifetime, read until it exits. Written as JSON to
// $SKG_SCHED_FILE when the scan ends. A bench diagnostic: the CLI never loads it.
const childProcess = require('node:child_process');
const { readFileSync, writeFileSync } = require('node:fs');

const spawn = childProcess.spawn;
const rows = [];
childProcess.spawn = function (...args) {
  const command = (args[1] ?? []).filter((a) => a !== '-c' && !a.includes('=') && a !== '--no-pager').slice(0, 2).join(' ');
  const started = performance.now();
  const child = spawn.apply(this, args);
  let last;
  const read = () => {
    try {
      last = readFileSync(`/proc/${child.pid}/schedstat`, 'utf8').trim().split(' ').map(Number);
    } catch {
      // gone already: the last reading stands
    }
  };
  const timer = setInterval(read, 10);
  child.once('exit', () => {
    clearInterval(timer);
    read();
    const lifetime = (performance.now() - started) / 1000;
    const [onCpu = 0, waiting = 0] = last ?? [];
    rows.push({ command, lifetime, onCpu: onCpu / 1e9, waiting: waiting / 1e9 });
  });
  return child;
};
process.once('exit', () => {
  if (process.env.SKG_SCHED_FILE) writeFileSync(process.env.SKG_SCHED_FILE, JSON.stringify(rows));
});
