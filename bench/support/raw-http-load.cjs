// A lean HTTP/1.1 load client for a worker thread: `clients` kept-alive sockets, each sending one
// prepared request at a time and reading the answer with a minimal parser (status line,
// Content-Length or chunked body). node:http's client costs about as much CPU per request as the
// server under test, and on a 2-core machine that CPU is taken from the server; this one costs a
// fraction of it, so the figures say more about the server.
//
// workerData: { port, clients, seconds, warmSeconds, request (the whole request as a string),
// expectStatus }. Posts { latencies, failures, firstFailure, elapsed, clientBusy }.
const net = require('node:net');
const { performance } = require('node:perf_hooks');
const { parentPort, workerData } = require('node:worker_threads');

const { port, clients, seconds, warmSeconds, expectStatus } = workerData;
const request = Buffer.from(workerData.request, 'latin1');
const headerEnd = Buffer.from('\r\n\r\n');
const lastChunk = Buffer.from('\r\n0\r\n\r\n');

/** Length of the first complete answer in `buffer`, or -1 while it is still arriving. */
function answerLength(buffer) {
  const head = buffer.indexOf(headerEnd);
  if (head < 0) return -1;
  const headText = buffer.latin1Slice(0, head).toLowerCase();
  const lengthAt = headText.indexOf('\r\ncontent-length:');
  if (lengthAt >= 0) {
    const total = head + 4 + Number.parseInt(headText.slice(lengthAt + 17), 10);
    return buffer.length >= total ? total : -1;
  }
  const end = buffer.indexOf(lastChunk, head + 2);
  return end < 0 ? -1 : end + lastChunk.length;
}

/** Runs the clients until `until`; latencies are recorded only when `record` is true. */
function phase(until, record) {
  const latencies = [];
  let failures = 0;
  let firstFailure;
  return new Promise((resolve) => {
    let open = clients;
    for (let client = 0; client < clients; client++) {
      const socket = net.connect(port, '127.0.0.1');
      socket.setNoDelay(true);
      let pending = null;
      let sentAt = 0;
      let finished = false;
      const send = () => {
        sentAt = performance.now();
        socket.write(request);
      };
      const done = () => {
        if (finished) return;
        finished = true;
        socket.destroy();
        if (--open === 0) resolve({ latencies, failures, firstFailure });
      };
      socket.on('connect', send);
      socket.on('data', (chunk) => {
        pending = pending === null ? chunk : Buffer.concat([pending, chunk]);
        while (pending !== null) {
          const length = answerLength(pending);
          if (length < 0) return;
          const status = Number(pending.latin1Slice(9, 12));
          if (status === expectStatus) {
            if (record) latencies.push(performance.now() - sentAt);
          } else {
            failures++;
            firstFailure ??= pending.latin1Slice(0, Math.min(length, 600));
          }
          pending = length === pending.length ? null : pending.subarray(length);
          if (performance.now() >= until) return done();
          send();
        }
      });
      socket.on('error', (error) => {
        failures++;
        firstFailure ??= String(error);
        done();
      });
    }
  });
}

(async () => {
  await phase(performance.now() + warmSeconds * 1000, false);
  const loopBefore = performance.eventLoopUtilization();
  const started = performance.now();
  const result = await phase(started + seconds * 1000, true);
  const elapsed = (performance.now() - started) / 1000;
  parentPort.postMessage({
    ...result,
    elapsed,
    clientBusy: performance.eventLoopUtilization(loopBefore).utilization,
  });
})();
