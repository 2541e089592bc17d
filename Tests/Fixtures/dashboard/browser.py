#!/usr/bin/env python3
"""Headless Chromium for the dashboard tests, driven over the DevTools protocol.

    browser.py URL [WIDTH HEIGHT]

Opens URL in one tab that stays open (so the page keeps its event stream and updates live),
prints {"ready": true}, then answers each command read from stdin with one JSON line:

    shot PATH    a PNG of the viewport           -> {"ok": true}
    dom PATH     the live DOM's outerHTML (what --dump-dom prints) -> {"ok": true}
    eval EXPR    a JavaScript expression, awaited -> {"value": ...}
    quit

Errors answer {"error": "..."}. Chromium runs with a profile of its own that is removed at exit.
"""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

import websocket


class DevTools:
    def __init__(self, url):
        self.socket = websocket.create_connection(url, timeout=300, suppress_origin=True)
        self.next_id = 0
        self.events = []

    def call(self, method, **params):
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, method, seconds):
        deadline = time.time() + seconds
        while time.time() < deadline:
            for index, event in enumerate(self.events):
                if event.get("method") == method:
                    del self.events[index]
                    return event
            self.socket.settimeout(max(0.1, deadline - time.time()))
            try:
                self.events.append(json.loads(self.socket.recv()))
            except websocket.WebSocketTimeoutException:
                break
        self.socket.settimeout(300)
        raise RuntimeError(f"no {method} within {seconds} s")


def main():
    url = sys.argv[1]
    width, height = (int(sys.argv[2]), int(sys.argv[3])) if len(sys.argv) > 3 else (1400, 1000)
    profile = tempfile.mkdtemp(prefix="grow-chromium-")
    chromium = subprocess.Popen(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
         f"--user-data-dir={profile}", "--remote-debugging-port=0", "--remote-allow-origins=*",
         f"--window-size={width},{height}", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        port_file = os.path.join(profile, "DevToolsActivePort")
        deadline = time.time() + 120
        while not os.path.exists(port_file) or not open(port_file).read().strip():
            if time.time() > deadline or chromium.poll() is not None:
                raise SystemExit("chromium did not start its DevTools endpoint")
            time.sleep(0.1)
        port = int(open(port_file).read().split()[0])
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list"))
        page = next(t for t in targets if t.get("type") == "page")
        tools = DevTools(page["webSocketDebuggerUrl"])
        tools.call("Page.enable")
        tools.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)
        tools.call("Page.navigate", url=url)
        tools.wait_for("Page.loadEventFired", 120)
        print(json.dumps({"ready": True}), flush=True)
        for line in sys.stdin:
            command, _, argument = line.rstrip("\n").partition(" ")
            try:
                if command == "quit":
                    break
                if command == "shot":
                    data = tools.call("Page.captureScreenshot", format="png")["data"]
                    with open(argument, "wb") as out:
                        out.write(base64.b64decode(data))
                    answer = {"ok": True}
                elif command == "dom":
                    result = tools.call("Runtime.evaluate", expression="document.documentElement.outerHTML",
                                        returnByValue=True)
                    with open(argument, "w") as out:
                        out.write(result["result"]["value"])
                    answer = {"ok": True}
                elif command == "eval":
                    result = tools.call("Runtime.evaluate", expression=argument, awaitPromise=True, returnByValue=True)
                    if "exceptionDetails" in result:
                        answer = {"error": result["exceptionDetails"].get("text", "exception")}
                    else:
                        answer = {"value": result["result"].get("value")}
                else:
                    answer = {"error": f"unknown command {command}"}
            except Exception as error:  # one line per command, whatever happens
                answer = {"error": str(error)}
            print(json.dumps(answer), flush=True)
    finally:
        chromium.terminate()
        try:
            chromium.wait(10)
        except subprocess.TimeoutExpired:
            chromium.kill()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
