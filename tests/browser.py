"""A headless Chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe:
commands on fd 3, answers on fd 4, each a JSON text ending in NUL), for the `browser` tests.

    with Browser() as browser:
        page = browser.open("file:///.../report.html")   # waits for the load event
        page.evaluate("document.title")
        page.hover("#tasks tbody tr")                     # a real mouse move over the element
        png = page.screenshot()
        page.console_errors(), page.network_requests()
"""
import base64
import json
import os
import select
import shutil
import subprocess
import tempfile
import time


class BrowserError(RuntimeError):
    pass


class Browser:
    def __init__(self, binary=None, timeout=30):
        self.binary = binary or shutil.which("chromium") or shutil.which("chromium-browser")
        if not self.binary:
            raise BrowserError("no chromium on PATH; fix: apt-get install chromium (tools/setup does)")
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="flowbench-chromium-")
        to_browser_read, self._to_browser = os.pipe()
        self._from_browser, from_browser_write = os.pipe()

        def as_fds_3_and_4():
            a, b = os.dup(to_browser_read), os.dup(from_browser_write)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.process = subprocess.Popen(
            [self.binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--remote-debugging-pipe",
             "--user-data-dir=" + self.profile, "--no-first-run", "--no-default-browser-check",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--window-size=1280,900", "about:blank"],
            pass_fds=(3, 4), preexec_fn=as_fds_3_and_4, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser_read)
        os.close(from_browser_write)
        self._buffer = b""
        self._next_id = 0
        self.events = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        try:
            self.send("Browser.close")
        except (BrowserError, OSError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for fd in (self._to_browser, self._from_browser):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)

    def send(self, method, params=None, session=None):
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        while True:
            answer = self._read()
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise BrowserError("%s: %s" % (method, answer["error"]))
                return answer.get("result", {})
            self.events.append(answer)

    def _read(self):
        deadline = time.time() + self.timeout
        while b"\0" not in self._buffer:
            left = deadline - time.time()
            if left <= 0 or not select.select([self._from_browser], [], [], left)[0]:
                raise BrowserError("chromium did not answer within %d s" % self.timeout)
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise BrowserError("chromium closed the DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def wait_for(self, predicate, seconds):
        deadline = time.time() + seconds
        while not any(predicate(e) for e in self.events):
            if time.time() > deadline:
                return False
            self.events.append(self._read())
        return True

    def open(self, url):
        target = self.send("Target.createTarget", {"url": "about:blank"})
        session = self.send("Target.attachToTarget", {"targetId": target["targetId"], "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Network", "Log"):
            self.send(domain + ".enable", session=session)
        started = time.time()
        self.send("Page.navigate", {"url": url}, session=session)
        if not self.wait_for(lambda e: e.get("method") == "Page.loadEventFired" and e.get("sessionId") == session,
                             self.timeout):
            raise BrowserError("%s did not finish loading within %d s" % (url, self.timeout))
        return Page(self, session, time.time() - started)


class Page:
    def __init__(self, browser, session, load_seconds):
        self.browser, self.session, self.load_seconds = browser, session, load_seconds

    def evaluate(self, expression):
        result = self.browser.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                        "awaitPromise": True}, session=self.session)
        if "exceptionDetails" in result:
            raise BrowserError("%s: %s" % (expression, result["exceptionDetails"].get("text")))
        return result["result"].get("value")

    def hover(self, selector):
        """Moves the mouse to the middle of the first element `selector` finds."""
        box = self.evaluate("(function(){var e=document.querySelector(%s); if(!e) return null; e.scrollIntoView();"
                            "var r=e.getBoundingClientRect(); return [r.x + r.width/2, r.y + r.height/2];})()"
                            % json.dumps(selector))
        if box is None:
            raise BrowserError("nothing matches %s" % selector)
        self.move_mouse(box[0], box[1])
        return box

    def move_mouse(self, x, y):
        self.browser.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x, "y": y}, session=self.session)

    def click(self, selector):
        x, y = self.hover(selector)
        for kind in ("mousePressed", "mouseReleased"):
            self.browser.send("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left",
                                                           "clickCount": 1}, session=self.session)

    def screenshot(self):
        return base64.b64decode(self.browser.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport":
                                                                             False}, session=self.session)["data"])

    def _events(self, method):
        return [e["params"] for e in self.browser.events if e.get("method") == method and
                e.get("sessionId") == self.session]

    def console_errors(self):
        """Console errors, uncaught exceptions and browser log errors (e.g. a blocked load)."""
        errors = []
        for p in self._events("Runtime.consoleAPICalled"):
            if p["type"] in ("error", "assert"):
                errors.append("console: " + " ".join(str(a.get("value", a.get("description"))) for a in p["args"]))
        for p in self._events("Runtime.exceptionThrown"):
            errors.append("exception: " + json.dumps(p["exceptionDetails"])[:300])
        for p in self._events("Log.entryAdded"):
            if p["entry"]["level"] == "error":
                errors.append("log: " + p["entry"].get("text", ""))
        return errors

    def network_requests(self):
        return [p["request"]["url"] for p in self._events("Network.requestWillBeSent")]


def png_is_blank(png):
    """True when the screenshot holds (nearly) one colour: decoded with zlib, no imaging library."""
    import struct
    import zlib
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    at, width, height, data = 8, 0, 0, b""
    while at < len(png):
        length, kind = struct.unpack(">I4s", png[at:at + 8])
        body = png[at + 8:at + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            channels = {2: 3, 6: 4}.get(colour, 1)
        elif kind == b"IDAT":
            data += body
        at += 12 + length
    raw = zlib.decompress(data)
    stride = 1 + width * channels
    # Count distinct bytes of the unfiltered first pixel of each row, sampled: a page with text,
    # tables and charts has many; a blank one has one or two.
    distinct = set(raw[row * stride + 1 + col] for row in range(0, height, 7) for col in range(0, width * channels, 13))
    return len(distinct) <= 2
