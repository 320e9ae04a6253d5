"""The web benchmarks' hand-ins through the API (web_submit.sh, verify_files.sh): `clients`
keep-alive connections submit every (county, milestone) of `todo` to the bench plan's task
`bench/mM/jJ/once` as fast as they are answered, each with one file whose bytes
file_bytes(j, m) gives. Returns (latencies in seconds, statuses other than 201)."""
import http.client
import threading
import time
import uuid


def submit_all(port, tokens, todo, file_bytes, clients):
    todo = list(todo)
    lat, bad, lock = [], [], threading.Lock()

    def worker():
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        while True:
            with lock:
                if not todo:
                    return
                j, m = todo.pop()
            b = "----b" + uuid.uuid4().hex
            body = (f"--{b}\r\nContent-Disposition: form-data; name=\"by\"\r\n\r\n县\r\n--{b}\r\n"
                    "Content-Disposition: form-data; name=\"file\"; filename=\"r.pdf\"\r\n"
                    "Content-Type: application/pdf\r\n\r\n").encode() + file_bytes(j, m) + \
                f"\r\n--{b}--\r\n".encode()
            t = time.monotonic()
            c.request("POST", f"/api/tasks/bench/m{m}/{j}/once/submit", body,
                      {"Authorization": f"Bearer {tokens[j]}",
                       "Content-Type": f"multipart/form-data; boundary={b}"})
            r = c.getresponse()
            r.read()
            with lock:
                lat.append(time.monotonic() - t)
                if r.status != 201:
                    bad.append(r.status)

    ts = [threading.Thread(target=worker) for _ in range(clients)]
    for x in ts:
        x.start()
    for x in ts:
        x.join()
    return lat, bad
