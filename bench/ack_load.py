"""The load process of bench_ack: N concurrent clients POST signed bodies to /slack/events.

    python -m bench.ack_load URL BODIES.jsonl OUT.json --clients 32 --secret S

Each line of BODIES is a JSON string (one request body). Every client keeps one HTTP/1.1 connection
and sends the next body as soon as the previous answer is read. OUT gets one record per request:
[tag, t_send, t_done, status, ok] (wall-clock seconds, comparable across processes on one machine).
"""

from __future__ import annotations

import argparse
import http.client
import json
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from bot.standin.signing import signed_headers


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("bodies", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--clients", type=int, required=True)
    parser.add_argument("--secret", required=True)
    args = parser.parse_args()
    items = [json.loads(line) for line in args.bodies.read_text().splitlines() if line]
    url = urlsplit(args.url)
    lock = threading.Lock()
    queue = list(reversed(items))
    records: list[list[object]] = []

    def client() -> None:
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        while True:
            with lock:
                if not queue:
                    break
                tag, body = queue.pop()
            data = body.encode()
            t0 = time.time()
            try:
                conn.request("POST", url.path, body=data, headers=signed_headers(args.secret, data))
                resp = conn.getresponse()
                payload = resp.read()
                status = resp.status
            except OSError:
                conn.close()
                conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
                status, payload = 0, b""
            t1 = time.time()
            ok = status == 200 and b'"errors"' not in payload
            with lock:
                records.append([tag, t0, t1, status, ok])
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(args.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    args.out.write_text(json.dumps(records))


if __name__ == "__main__":
    main()
