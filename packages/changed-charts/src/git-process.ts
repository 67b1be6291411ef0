import { spawn } from 'node:child_process';

/** The environment git runs with: the caller's, with untranslated messages and never a credential prompt. */
export function gitEnv(): NodeJS.ProcessEnv {
  return { ...process.env, LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0' };
}

/**
 * Runs git to completion. A plain `spawn`, not execa: detection runs git on its critical path, and the wrapper's
 * set-up costs a few milliseconds per process that a `git diff` of a whole release has to be compared with.
 */
export function runGit(
  cwd: string,
  args: string[],
  input?: string,
  env: NodeJS.ProcessEnv = gitEnv(),
): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  return new Promise((resolve) => {
    const child = spawn('git', args, { cwd, env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) => resolve({ stdout: '', stderr: `cannot run git: ${error.message}`, exitCode: -1 }));
    child.on('close', (code, signal) =>
      resolve({ stdout: Buffer.concat(out).toString(), stderr: stderr || (signal ? `killed by ${signal}` : ''), exitCode: code ?? -1 }),
    );
    if (child.stdin) {
      child.stdin.on('error', () => {}); // an early exit is reported by 'close'
      child.stdin.end(input);
    }
  });
}
