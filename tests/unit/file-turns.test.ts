import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FileTurns } from '../../src-main/host/file-turns';

// File answers wait their turn so a socket message is never stuck behind a class's downloads.
// A real loopback socket stands for the teacher's WebSocket: what matters is the event
// loop's order (its message is read in the poll phase between two turns), not any time.
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

async function loopbackPair(): Promise<{ sender: net.Socket; receiver: net.Socket }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  const sender = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  await new Promise<void>((resolve) => sender.once('connect', resolve));
  const receiver = await accepted;
  cleanups.push(() => {
    sender.destroy();
    receiver.destroy();
    server.close();
  });
  return { sender, receiver };
}

describe('file turns', () => {
  it('runs every job once, first come first served', async () => {
    const turns = new FileTurns(8, (error) => {
      throw error;
    });
    const ran: number[] = [];
    const allDone = new Promise<void>((resolve) => {
      for (let index = 0; index < 100; index += 1) {
        turns.push(() => {
          ran.push(index);
          if (index === 99) resolve();
        });
      }
    });
    // Nothing runs in the pass that queued them: the rest of that pass (other sockets) goes first.
    expect(ran).toEqual([]);
    expect(turns.waiting).toBe(100);
    await allDone;
    expect(ran).toEqual(Array.from({ length: 100 }, (_, index) => index));
    expect(turns.waiting).toBe(0);
  });

  it('handles a socket message that arrives while 100 file answers wait, before the last of them', async () => {
    const { sender, receiver } = await loopbackPair();
    const order: string[] = [];
    receiver.on('data', () => order.push('teacher call'));
    const turns = new FileTurns(8, (error) => {
      throw error;
    });
    const lastDone = new Promise<void>((resolve) => {
      for (let index = 0; index < 100; index += 1) {
        turns.push(() => {
          order.push(`file ${index}`);
          // The call arrives once the files are being answered, as a teacher's does mid-class.
          if (index === 0) sender.write('call');
          if (index === 99) resolve();
        });
      }
    });
    await lastDone;
    const callAt = order.indexOf('teacher call');
    expect(callAt).toBeGreaterThan(order.indexOf('file 0'));
    // Answered in the next pass of the loop, ahead of the files still queued, not after all of them.
    expect(callAt).toBeLessThan(order.indexOf('file 99'));
    expect(order.filter((entry) => entry !== 'teacher call')).toEqual(Array.from({ length: 100 }, (_, index) => `file ${index}`));
  });

  it('tells about a job that throws and still runs the jobs after it', async () => {
    const failures: unknown[] = [];
    const turns = new FileTurns(2, (error) => failures.push(error));
    const ran: string[] = [];
    await new Promise<void>((resolve) => {
      turns.push(() => ran.push('first'));
      turns.push(() => {
        throw new Error('the file went away');
      });
      turns.push(() => {
        ran.push('third');
        resolve();
      });
    });
    expect(ran).toEqual(['first', 'third']);
    expect(failures).toEqual([new Error('the file went away')]);
  });

  it('refuses a turn of no jobs', () => {
    expect(() => new FileTurns(0, () => undefined)).toThrow(RangeError);
  });
});
