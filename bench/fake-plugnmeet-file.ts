// A PlugNMeet stand-in for the download benchmark: answers the recording API and streams
// <size> bytes of deterministic content with Content-Length. Usage: fake-plugnmeet-file.ts <port> <size>
import { createServer } from 'node:http';

const [port, size] = process.argv.slice(2).map(Number);
const block = Buffer.alloc(1024 * 1024);
for (let i = 0; i < block.length; i++) block[i] = (i * 2654435761) >>> 24;

createServer((req, res) => {
  if (req.method === 'POST') {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          req.url?.endsWith('getDownloadToken')
            ? { status: true, msg: 'success', token: 'bench' }
            : { status: true, msg: 'success', recording_info: { record_id: 'bench-recording' } },
        ),
      );
    });
    return;
  }
  res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(size) });
  let sent = 0;
  const pump = () => {
    while (sent < size) {
      const chunk = block.subarray(0, Math.min(block.length, size - sent));
      sent += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    res.end();
  };
  pump();
}).listen(port, '127.0.0.1');
