"""Fault injection for the reliability suite, standard library only.

    proxy = FaultProxy(("127.0.0.1", 5432)).start()   # listens on 127.0.0.1:proxy.port
    proxy.mode = "swallow"    # accepts, reads, never answers (a server or network that stops answering)
    proxy.mode = "refuse"     # closes every connection at once, new and open ones (a server that is down)
    proxy.mode = "pass"       # forwards both ways

    sink = SmtpSink().start()   # an SMTP server on 127.0.0.1:sink.port; sink.messages: [(to, data)]
    sink.mode = "refuse" | "freeze" | "accept"

`python tests/reliability/faults.py smtp-sink --port 0 --out DIR` runs the sink alone (CI's
production-install check): each message received is written to DIR as one file, the port it listens on
to DIR/port.
"""

import argparse
import contextlib
import os
import select
import socket
import struct
import sys
import threading
import time
import uuid


class FaultProxy:
    def __init__(self, target, *, host="127.0.0.1"):
        self.target = target
        self.mode = "pass"
        self._listener = socket.create_server((host, 0))
        self.host, self.port = self._listener.getsockname()[:2]
        self._pairs = []
        self._lock = threading.Lock()
        self._stopped = threading.Event()

    def start(self):
        threading.Thread(target=self._accept_loop, daemon=True, name="fault-proxy").start()
        return self

    def stop(self):
        self._stopped.set()
        with contextlib.suppress(OSError):
            self._listener.close()
        self.close_all()

    def close_all(self):
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for pair in pairs:
            for sock in pair:
                _reset(sock)

    def set_mode(self, mode):
        """ "refuse" also resets the open connections; "swallow" makes them go silent."""
        self.mode = mode
        if mode == "refuse":
            self.close_all()

    def _accept_loop(self):
        while not self._stopped.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self.mode == "refuse":
                _reset(client)
                continue
            upstream = None
            if self.mode == "pass":
                try:
                    upstream = socket.create_connection(self.target, timeout=5)
                except OSError:
                    _reset(client)
                    continue
            with self._lock:
                self._pairs.append((client, upstream) if upstream else (client,))
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, client, upstream):
        sockets = [client] + ([upstream] if upstream else [])
        try:
            while not self._stopped.is_set():
                readable, _, _ = select.select(sockets, [], [], 0.1)
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    if self.mode != "pass" or upstream is None:
                        continue  # swallowed: read (the kernel acknowledges it), never forwarded
                    (upstream if sock is client else client).sendall(data)
        except OSError:
            return
        finally:
            for sock in sockets:
                _reset(sock)


def _reset(sock):
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        sock.close()


class SmtpSink:
    """A minimal SMTP server (enough for smtplib): keeps what it receives, can refuse or freeze."""

    def __init__(self, *, host="127.0.0.1", port=0, out_dir=None, delay=0.0):
        self.mode = "accept"
        self.delay = delay  # seconds per message accepted: a slow relay
        self.messages = []
        self.out_dir = out_dir
        self._listener = socket.create_server((host, port))
        self.host, self.port = self._listener.getsockname()[:2]
        self._lock = threading.Lock()

    def start(self):
        threading.Thread(target=self._accept_loop, daemon=True, name="smtp-sink").start()
        return self

    def stop(self):
        with contextlib.suppress(OSError):
            self._listener.close()

    def recipients(self):
        with self._lock:
            return [to for to, _data in self.messages]

    def _accept_loop(self):
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._session, args=(client,), daemon=True).start()

    def _session(self, sock):
        try:
            if self.mode == "refuse":
                sock.sendall(b"421 4.3.2 Service not available\r\n")
                return
            if self.mode == "freeze":
                time.sleep(3600)
                return
            reader = sock.makefile("rb")
            sock.sendall(b"220 sink ESMTP\r\n")
            recipients = []
            while True:
                line = reader.readline()
                if not line:
                    return
                command = line.strip().upper()
                if command.startswith((b"EHLO", b"HELO")):
                    sock.sendall(b"250 sink\r\n")
                elif command.startswith(b"MAIL FROM"):
                    recipients = []
                    sock.sendall(b"250 OK\r\n")
                elif command.startswith(b"RCPT TO"):
                    recipients.append(line.split(b":", 1)[1].strip().strip(b"<>").decode())
                    sock.sendall(b"250 OK\r\n")
                elif command == b"DATA":
                    sock.sendall(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    data = []
                    while (chunk := reader.readline()) not in (b".\r\n", b".\n", b""):
                        data.append(chunk)
                    if self.delay:
                        time.sleep(self.delay)
                    self._keep(recipients, b"".join(data))
                    sock.sendall(b"250 OK queued\r\n")
                elif command == b"QUIT":
                    sock.sendall(b"221 Bye\r\n")
                    return
                else:  # RSET, NOOP, ...
                    sock.sendall(b"250 OK\r\n")
        except OSError:
            return
        finally:
            with contextlib.suppress(OSError):
                sock.close()

    def _keep(self, recipients, data):
        with self._lock:
            for to in recipients:
                self.messages.append((to, data))
        if self.out_dir:
            path = os.path.join(self.out_dir, f"{uuid.uuid4().hex}.eml")
            with open(path, "wb") as handle:
                handle.write(b"X-Sink-To: " + ", ".join(recipients).encode() + b"\r\n" + data)


def main(argv=None):
    parser = argparse.ArgumentParser(description="SMTP sink: writes each message received to a file.")
    parser.add_argument("command", choices=["smtp-sink"])
    parser.add_argument("--port", type=int, default=0, help="0: any free port (written to OUT/port)")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    sink = SmtpSink(port=args.port, out_dir=args.out).start()
    with open(os.path.join(args.out, "port"), "w") as handle:
        handle.write(str(sink.port))
    print(f"smtp sink on 127.0.0.1:{sink.port}, messages in {args.out}", flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    sys.exit(main())
