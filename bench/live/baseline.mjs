// The baseline for bench/live: the live-room broadcast server a typical team
// writes with the `ws` package: one room, every chat message stamped with an
// id and sent to every connected client. Speaks the same frames as Haul's
// hub so the same load client drives both.
//
// usage: node baseline.mjs <port>
import { WebSocketServer, WebSocket } from 'ws';

const port = +process.argv[2];
const wss = new WebSocketServer({ host: '127.0.0.1', port, maxPayload: 4096 });
let nextId = 1;

wss.on('connection', (socket) => {
  socket.send(JSON.stringify({ v: 1, type: 'snapshot', last_id: nextId - 1 }));
  socket.on('message', (data) => {
    let command;
    try {
      command = JSON.parse(data);
    } catch {
      return;
    }
    if (command.type !== 'chat' || typeof command.text !== 'string' || command.text.length > 200) return;
    const frame = JSON.stringify({ v: 1, id: nextId++, type: 'chat', user_id: 0, name: 'viewer', text: command.text, at: Date.now() });
    for (const client of wss.clients) {
      if (client.readyState === WebSocket.OPEN) client.send(frame);
    }
  });
});
wss.on('listening', () => console.log(`baseline listening on ${port}`));
