import { createSocket } from 'node:dgram';
import { connect } from 'node:net';

/**
 * Runs inside a namespace (`ip netns exec NS node agent.js`): sends the packets described on stdin
 * (a JSON array) from the given local address and port, then exits. UDP: one datagram each. TCP:
 * a connection attempt (the SYN is what the harness observes), abandoned after a short wait. Bounded:
 * at most 500 packets, and the process ends within 2 seconds whatever happens.
 */
export interface Send {
  proto: 'udp' | 'tcp';
  src: string;
  sport: number;
  dst: string;
  dport: number;
  payload: string;
}

function udp(s: Send): Promise<void> {
  return new Promise((resolve) => {
    const sock = createSocket({ type: 'udp4', reuseAddr: true });
    const done = (): void => {
      try {
        sock.close();
      } catch {
        /* already closed */
      }
      resolve();
    };
    sock.on('error', done);
    sock.bind({ address: s.src, port: s.sport, exclusive: true }, () => {
      sock.send(Buffer.from(s.payload), s.dport, s.dst, () => {
        done();
      });
    });
  });
}

function tcp(s: Send): Promise<void> {
  return new Promise((resolve) => {
    const sock = connect({ host: s.dst, port: s.dport, localAddress: s.src, localPort: s.sport });
    const done = (): void => {
      sock.destroy();
      resolve();
    };
    sock.on('error', done);
    sock.on('connect', done);
    setTimeout(done, 300);
  });
}

async function main(): Promise<void> {
  setTimeout(() => process.exit(3), 2000).unref();
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  const list = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Send[]).slice(0, 500);
  await Promise.all(list.map((s) => (s.proto === 'udp' ? udp(s) : tcp(s))));
}

void main().then(() => process.exit(0));
