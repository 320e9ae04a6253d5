"""web_load.py - the client half of tests/bench/web_load.sh: C concurrent keep-alive
clients for S seconds against `dabiao web`, each looping over the pages an officer and the
API read (dashboard, a jurisdiction's task list, a task page, the review queue, the API's
task list and a task) and, one request in ten, a county's submission through the API while
unused (county, milestone) pairs remain. Prints one JSON object of figures.

    web_load.py PORT SECONDS CLIENTS OFFICER_TOKEN COUNTY_TOKENS_FILE JURISDICTIONS MILESTONES
"""
import asyncio
import json
import random
import sys
import time
import uuid

port, seconds, clients = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
officer = sys.argv[4]
with open(sys.argv[5]) as f:
    county_tokens = [line.split() for line in f if line.strip()]  # "j3 TOKEN"
njur, nms = int(sys.argv[6]), int(sys.argv[7])

todo = [(j, m) for m in range(nms) for j, _ in county_tokens]
random.Random(1).shuffle(todo)
tokens = dict(county_tokens)
lat = {}       # kind -> [seconds]
status = {}    # (kind, status) -> count
errors = []


def pages(rng):
    j = rng.randrange(njur)
    m = rng.randrange(nms)
    return rng.choice([
        ("dashboard", "/"),
        ("list", f"/tasks?jurisdiction=j{j}"),
        ("list-state", "/tasks?state=overdue"),
        ("task", f"/tasks/bench/m{m}/j{j}/once"),
        ("review", "/review"),
        ("api-list", f"/api/tasks?jurisdiction=j{j}&state=open"),
        ("api-task", f"/api/tasks/bench/m{m}/j{j}/once"),
    ])


async def read_response(reader):
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    code = int(lines[0].split()[1])
    length = 0
    for h in lines[1:]:
        if h.lower().startswith("content-length:"):
            length = int(h.split(":", 1)[1])
    if length:
        await reader.readexactly(length)
    return code


async def client(n, deadline):
    rng = random.Random(n)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    while time.monotonic() < deadline:
        if todo and rng.random() < 0.1:
            j, m = todo.pop()
            b = "----b" + uuid.uuid4().hex
            body = (f"--{b}\r\nContent-Disposition: form-data; name=\"by\"\r\n\r\n县{j}\r\n"
                    f"--{b}\r\nContent-Disposition: form-data; name=\"file\"; "
                    f"filename=\"r.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
                    f"%PDF-1.4 {j} {m} {uuid.uuid4().hex}\r\n--{b}--\r\n").encode()
            req = (f"POST /api/tasks/bench/m{m}/{j}/once/submit HTTP/1.1\r\nHost: x\r\n"
                   f"Authorization: Bearer {tokens[j]}\r\n"
                   f"Content-Type: multipart/form-data; boundary={b}\r\n"
                   f"Content-Length: {len(body)}\r\n\r\n").encode() + body
            kind, want = "submit", (201,)
        else:
            kind, path = pages(rng)
            req = (f"GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {officer}"
                   "\r\n\r\n").encode()
            want = (200,)
        t = time.monotonic()
        try:
            writer.write(req)
            await writer.drain()
            code = await read_response(reader)
        except Exception as e:  # a dropped connection is an error; reconnect
            errors.append(f"{kind}: {e!r}")
            writer.close()
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            continue
        lat.setdefault(kind, []).append(time.monotonic() - t)
        status[(kind, code)] = status.get((kind, code), 0) + 1
        if code not in want:
            errors.append(f"{kind}: HTTP {code}")
    writer.close()


async def main():
    deadline = time.monotonic() + seconds
    await asyncio.gather(*(client(n, deadline) for n in range(clients)))


start = time.monotonic()
asyncio.run(main())
took = time.monotonic() - start
every = sorted(x for v in lat.values() for x in v)


def pct(v, p):
    return round(v[min(len(v) - 1, int(len(v) * p))] * 1000, 1) if v else None


print(json.dumps({
    "seconds": round(took, 1), "clients": clients, "requests": len(every),
    "rps": round(len(every) / took, 1), "errors": len(errors), "first_errors": errors[:5],
    "p50_ms": pct(every, 0.5), "p99_ms": pct(every, 0.99), "max_ms": pct(every, 1.0),
    "p99_ms_by_kind": {k: pct(sorted(v), 0.99) for k, v in lat.items()},
    "count_by_kind": {k: len(v) for k, v in lat.items()},
    "statuses": {f"{k} {c}": n for (k, c), n in sorted(status.items())},
}, ensure_ascii=False))
