"""Helpers for the web's integration tests: a small plan and registry with hostile names,
`dabiao web` on a free loopback port, and an HTTP client with its own cookies."""
import email
import email.policy
import http.cookiejar
import os
import re
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

from dabiao_it import BIN, check, fail

XSS_J1 = "<script>alert(1)</script>甲县"
XSS_J2 = '"><img src=x onerror=alert(2)>乙县'
XSS_E1 = "<b onmouseover=alert(3)>甲一钢铁</b>"
E1, E2 = "91652301MA74H957X2", "91652323MA77AQUU8C"

PLAN = """\
plan: web
title: 网页测试方案
timezone: Asia/Shanghai
notify_at: "09:00"
issuer: {basis: 《网页测试实施方案》}
roles:
  county_epb: {title: 县环保局, per: jurisdiction}
  enterprise: {title: 超标企业, per: enterprise}
  supervision: {title: 监察支队}
  prefecture_epb: {title: 州环保局}
escalations:
  std:
    - {after: 1d, kind: overdue, notify: [owner, supervision]}
phases:
  - id: p
    title: 阶段
    milestones:
      - id: report
        title: 评估报告
        owner: county_epb
        for: each jurisdiction
        submit_to: supervision
        due: 2017-03-10
        remind: [-3d, -1d]
        escalate: std
        requires: [overall, problems]
      - id: filing
        title: 治理方案备案
        owner: enterprise
        for: each enterprise
        submit_to: supervision
        due: 2017-03-20
        remind: [-3d]
"""

REG = f"""\
jurisdictions:
  - {{id: j1, name: '{XSS_J1}', kind: county, email: [j1@x.example]}}
  - {{id: j2, name: '{XSS_J2}', kind: county, email: [j2@x.example]}}
enterprises:
  - {{id: {E1}, name: '{XSS_E1}', jurisdiction: j1, industry: steel, email: [e1@x.example]}}
  - {{id: {E2}, name: 乙二水泥, jurisdiction: j2, industry: cement, email: [e2@x.example]}}
offices:
  supervision: [s@x.example]
  prefecture_epb: [p@x.example]
  admin: [admin@x.example]
"""

# two counties (one with a hostile name) and the offices, for the warnings' tests
WARNINGS_REG = f"""\
jurisdictions:
  - {{id: j1, name: '{XSS_J1}', kind: county, email: [j1@x.example]}}
  - {{id: j2, name: 乙县, kind: county, email: [j2@x.example]}}
offices:
  supervision: [s@x.example]
  prefecture_epb: [p@x.example]
  admin: [admin@x.example]
"""

# One county (甲县) and the offices: the plan and registry that tests of one flow build
# around their own milestones (one_county_plan, one_county_store)
ONE_COUNTY_REG = """\
jurisdictions:
  - {id: j1, name: 甲县, kind: county, email: [j1@x.example]}
offices:
  supervision: [s@x.example]
  prefecture_epb: [p@x.example]
  admin: [admin@x.example]
"""
OFFICE_TITLES = {"supervision": "监察支队", "prefecture_epb": "州环保局"}
VIRTUAL_MARCH = ("--clock", "virtual", "--now", "2017-03-01T00:00:00+08:00")


def one_county_plan(plan, title, milestones, offices=("supervision",), extra=""):
    """The text of plan `plan` (title) in Asia/Shanghai with one phase: the county's
    department (county_epb, per jurisdiction) and the offices named (OFFICE_TITLES) as
    roles, extra (more top-level YAML: notify_at, grace, escalations, notices …, each line
    ending in a newline) and milestones, each a one-line YAML flow mapping."""
    roles = "".join(f"  {o}: {{title: {OFFICE_TITLES[o]}}}\n" for o in offices)
    items = "".join(f"      - {m}\n" for m in milestones)
    return (f"plan: {plan}\ntitle: {title}\ntimezone: Asia/Shanghai\n{extra}roles:\n"
            f"  county_epb: {{title: 县环保局, per: jurisdiction}}\n{roles}"
            f"phases:\n  - id: p\n    title: 阶段\n    milestones:\n{items}")


def one_county_store(st, plan_text, clock=VIRTUAL_MARCH, config=None):
    """st initialised (clock: init's arguments; a virtual store at 2017-03-01 00:00 by
    default), plan_text loaded and ONE_COUNTY_REG imported, with --config config if
    given."""
    cfg = ["--config", config] if config else []
    st.ok(*cfg, "init", *clock)
    st.ok(*cfg, "load", st.write("plan.yaml", plan_text))
    st.ok(*cfg, "import", st.write("reg.yaml", ONE_COUNTY_REG))


# Another bureau's plan in the same store (docs/plan-format.md, "registry"): its own role
# ids, over the jurisdictions whose attrs say prefecture: hb
OTHER_BUREAU_PLAN = """\
plan: hb
title: 另一地区方案
timezone: Asia/Shanghai
registry: {where: {prefecture: hb}}
roles:
  hb_county: {title: 另一地区县市, per: jurisdiction}
  hb_supervision: {title: 另一地区监察支队}
phases:
  - id: p
    title: 阶段
    milestones:
      - {id: sum, title: 另一地区汇总, owner: hb_supervision, for: once, due: 2017-04-20}
      - {id: rep, title: 另一地区报告, owner: hb_county, for: each jurisdiction,
         submit_to: hb_supervision, due: 2017-04-10}
"""

PASSWORD = "correct horse battery"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    """`dabiao web` on a free port of 127.0.0.1, stopped with SIGTERM."""

    def __init__(self, st, extra_env=None, config=None, any_address=False):
        """any_address: listen on [::] (IPv4 clients then arrive as ::ffff:a.b.c.d)."""
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ)
        env.pop("DABIAO_SMTP", None)
        env["DABIAO_WEB_URL"] = self.base
        if extra_env:
            env.update(extra_env)
        self.env = env
        args = [BIN, "--db", st.db]
        if config:
            args += ["--config", config]
        self.log = open(st.path("web.log"), "w")
        listen = f"[::]:{self.port}" if any_address else f"127.0.0.1:{self.port}"
        self.p = subprocess.Popen(args + ["web", "--listen", listen],
                                  stdout=self.log, stderr=subprocess.STDOUT, env=env)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if self.p.poll() is not None:
                    break
                time.sleep(0.1)
        fail(f"dabiao web did not start on {self.base}: see {st.path('web.log')}")
        raise SystemExit(1)

    def stop(self):
        self.p.terminate()
        try:
            rc = self.p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.p.kill()
            rc = self.p.wait()
            fail("dabiao web did not stop on SIGTERM within 30 s")
        check(rc == 0, f"dabiao web exits 0 on SIGTERM, got {rc}")
        self.log.close()
        with open(self.log.name, encoding="utf-8", errors="replace") as f:
            log = f.read()
        for bad in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:"):
            check(bad not in log, f"dabiao web's log has no sanitizer report: {log[-3000:]}")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **kw):
        return None


class Client:
    """One browser's worth of cookies; answers (status, headers, body text)."""

    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)
        self.csrf = None

    def req(self, method, path, data=None, headers=None, ctype=None):
        h = dict(headers or {})
        if ctype:
            h["Content-Type"] = ctype
        r = urllib.request.Request(self.base + path, data=data, method=method, headers=h)
        try:
            resp = self.opener.open(r, timeout=60)
            status, hdrs, body = resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as e:
            status, hdrs, body = e.code, e.headers, e.read()
        text = body.decode("utf-8", "replace")
        m = re.search(r'name="csrf" value="([0-9a-f]+)"', text)
        if m and method == "GET":
            self.csrf = m.group(1)
        return status, hdrs, text

    def get(self, path, **kw):
        return self.req("GET", path, **kw)

    def post(self, path, fields, files=None, csrf=True, headers=None):
        fields = list(fields.items()) if isinstance(fields, dict) else list(fields)
        if csrf and self.csrf and not any(k == "csrf" for k, _ in fields):
            fields.append(("csrf", self.csrf))
        if files is None:
            data = urllib.parse.urlencode(fields).encode()
            return self.req("POST", path, data, headers,
                            "application/x-www-form-urlencoded")
        body, ctype = multipart(fields, files)
        return self.req("POST", path, body, headers, ctype)

    def login(self, login, password=PASSWORD):
        self.get("/login")
        return self.post("/login", {"login": login, "password": password})


def multipart(fields, files):
    """files: [(field, filename, bytes, type)]."""
    b = "----dabiao" + uuid.uuid4().hex
    out = bytearray()
    for k, v in fields:
        out += (f"--{b}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n").encode()
        out += str(v).encode() + b"\r\n"
    for k, name, data, typ in files:
        out += (f"--{b}\r\nContent-Disposition: form-data; name=\"{k}\"; "
                f"filename=\"{name}\"\r\nContent-Type: {typ}\r\n\r\n").encode()
        out += data + b"\r\n"
    out += f"--{b}--\r\n".encode()
    return bytes(out), f"multipart/form-data; boundary={b}"


def setup_store(st, officers=True):
    """The plan, the registry and one account per role and subject."""
    st.ok("init", "--clock", "virtual", "--now", "2017-03-01T00:00:00+08:00")
    st.ok("load", st.write("web.yaml", PLAN))
    st.ok("import", st.write("reg.yaml", REG))
    pw = st.write("pw", PASSWORD + "\n")
    accounts = [("officer", "supervision", None, "王科长"),
                ("leader", "prefecture_epb", None, "赵局长"),
                ("county1", "county_epb", "j1", "甲县李"),
                ("county2", "county_epb", "j2", "乙县周"),
                ("ent1", "enterprise", E1, "甲一企业"),
                ("ent2", "enterprise", E2, "乙二企业")]
    for login, role, subject, name in accounts:
        args = ["user", "add", login, "--role", role, "--name", name, "--password-file", pw]
        if subject:
            args += ["--subject", subject]
        st.ok(*args)
    return accounts


def served_store(st, config=None):
    """The test plan's store (setup_store) served by `dabiao web`, whose address the
    commands that write notices are given (DABIAO_WEB_URL), so the notices carry submit
    links that open on it: the server."""
    setup_store(st)
    srv = Server(st, config=config)
    os.environ["DABIAO_WEB_URL"] = srv.base
    return srv


def hand_in(base, login, task, by, fields=(), files=None):
    """Account login hands in task from its page (by, then fields: [(name, value)]):
    (its client, the receipt page it is sent to)."""
    c = Client(base)
    check(c.login(login)[0] == 303, f"{login} logs in")
    c.get(f"/tasks/{task}")
    status, hdrs, _ = c.post(f"/tasks/{task}/submit", [("by", by)] + list(fields),
                             files=files)
    check(status == 303, f"{login} hands in {task}: {status}")
    return c, c.get(hdrs["Location"])[2] if status == 303 else ""


def overdue_with_link(st, task="web/report/j1/once", config=None):
    """The test plan's store served (served_store), advanced to 2017-03-12 12:00, so the
    reports (due 03-10) are overdue and their notices carried submit links: (server, the
    path of task's latest link). A submission without the sections leaves such a task
    overdue, open to the next."""
    srv = served_store(st, config)
    args = ["--config", config] if config else []
    st.ok(*args, "advance", "--to", "2017-03-12T12:00:00+08:00")
    links = links_in_outbox(st, task)
    check(links, f"a notice of {task} carries a submit link")
    return srv, links[-1][1][len(srv.base):] if links else None


def links_in_outbox(st, task, kind=None):
    """Submit links of a task's notices, oldest first: (kind, url) pairs."""
    out = []
    for name in st.outbox():
        with open(os.path.join(st.db, "outbox", name), "rb") as f:
            msg = email.message_from_binary_file(f, policy=email.policy.default)
        if task in (msg.get_all("X-Dabiao-Task") or []) and msg["X-Dabiao-Submit-URL"]:
            if kind is None or msg["X-Dabiao-Kind"] == kind:
                out.append((msg["X-Dabiao-Kind"], str(msg["X-Dabiao-Submit-URL"])))
    return out


def screenshots(test):
    """Where a browser test keeps its screenshots: $DABIAO_SCREENSHOTS, else TEST-screenshots/
    of the folder the test runs in (ctest: build/*/tests/)."""
    return os.environ.get("DABIAO_SCREENSHOTS") or os.path.join(os.getcwd(),
                                                                f"{test}-screenshots")


class Browser:
    """Debian's headless Chromium through chromium-driver and python3-selenium (never a
    downloaded browser), on server base, keeping full-page screenshots in folder shots
    (numbered in the order taken, from first). quit() ends it."""

    def __init__(self, base, shots, first=1):
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service
        import tempfile

        self.base, self.shots, self.n = base, shots, first - 1
        os.makedirs(shots, exist_ok=True)
        self.profile = tempfile.mkdtemp(prefix="dabiao-chromium-")
        opts = Options()
        for a in ("--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                  f"--user-data-dir={self.profile}", "--window-size=1280,1100",
                  "--lang=zh-CN"):
            opts.add_argument(a)
        opts.binary_location = "/usr/bin/chromium"
        self.drv = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
        self.drv.set_page_load_timeout(60)

    def quit(self):
        import shutil
        self.drv.quit()
        shutil.rmtree(self.profile, ignore_errors=True)

    def shot(self, name):
        """The whole page, not only the window: the window grows to the page's height."""
        self.n += 1
        path = os.path.join(self.shots, f"{self.n:02d}-{name}.png")
        if os.path.exists(path):
            os.unlink(path)
        height = self.drv.execute_script("return document.documentElement.scrollHeight")
        self.drv.set_window_size(1280, max(600, min(int(height) + 40, 4000)))
        self.drv.save_screenshot(path)
        self.drv.set_window_size(1280, 1100)
        return path

    @staticmethod
    def gone(element):
        """The page that held element has been replaced. Chromium's driver reports a node
        of a replaced document either as stale or as "does not belong to the document":
        both mean gone."""
        def pred(_):
            try:
                element.is_enabled()
                return False
            except Exception:
                return True
        return pred

    def click_and_wait(self, element):
        """Clicks and waits until the next page has replaced this one (a click returns
        before the browser has navigated)."""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait
        old = self.drv.find_element(By.TAG_NAME, "html")
        element.click()
        WebDriverWait(self.drv, 60).until(self.gone(old))
        WebDriverWait(self.drv, 60).until(
            lambda d: d.execute_script("return document.readyState") == "complete")

    def submit(self, element_id):
        from selenium.webdriver.common.by import By
        self.click_and_wait(self.drv.find_element(By.ID, element_id))

    def go(self, url):
        """Opens url and waits until the browser is on it, loaded."""
        from selenium.webdriver.support.ui import WebDriverWait
        if url.startswith("/"):
            url = self.base + url
        for _ in range(3):
            self.drv.get(url)
            try:
                WebDriverWait(self.drv, 30).until(
                    lambda d: d.current_url.split("?")[0] == url.split("?")[0] and
                    d.execute_script("return document.readyState") == "complete")
                return
            except Exception:  # a navigation still settling: ask again
                continue
        fail(f"the browser did not open {url}; it is on {self.drv.current_url}")

    def login(self, login, lands_on="/", password=PASSWORD):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait
        self.go("/login")
        self.drv.find_element(By.ID, "login").send_keys(login)
        self.drv.find_element(By.ID, "password").send_keys(password)
        self.submit("login-submit")
        WebDriverWait(self.drv, 30).until(lambda d: d.current_url == self.base + lands_on)

    def text(self, css):
        from selenium.webdriver.common.by import By
        return self.drv.find_element(By.CSS_SELECTOR, css).text

    def cells(self, table_id):
        """The visible text of each cell of a table's body, row by row."""
        from selenium.webdriver.common.by import By
        rows = self.drv.find_elements(By.CSS_SELECTOR, f"#{table_id} tbody tr")
        return [[td.text for td in r.find_elements(By.TAG_NAME, "td")] for r in rows]
