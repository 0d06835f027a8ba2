#!/usr/bin/env python3
"""Hostile peers for a crossfold coordinator running with CURVE keys (docs/SECURITY.md).

  probe   sends a valid request to each socket as peers without an allowed key (no CURVE, an
          unknown key, a key of the other domain, a wrong coordinator key) and reports whether any
          got an answer; allowed keys are probed too, as the control that the requests are valid.
  hammer  keeps many connections busy for --seconds: garbage bytes, silent connections (slowloris),
          NULL-mechanism ZMTP with an endless multipart message, CURVE handshakes with unknown keys.

Prints one JSON object. Used by Tests/CrossfoldTests/SecurityProcessTests.swift; runnable by hand:

  python3 Tests/Scripts/hostile-peers.py probe --host 127.0.0.1 --ports 5555 5556 5557 --keys DIR
"""
import argparse
import json
import os
import random
import socket
import struct
import threading
import time

import zmq

TAG = b"crossfold/1"


def read_key(path):
    with open(path, "rb") as handle:
        return handle.read().strip()


def request_for(role):
    """A valid crossfold request for each socket: each gets an answer from an allowed peer."""
    if role == "client":
        return [TAG, b"INFO", json.dumps({"request": "probe-1"}).encode()]
    if role == "worker":
        # HEARTBEAT before READY: the coordinator answers DISCONNECT ("send READY first").
        return [TAG, b"HEARTBEAT", b"{}"]
    return [TAG, b"FETCH", json.dumps({"dataset": "0" * 64, "offset": 0, "length": 1024}).encode()]


def probe_one(context, endpoint, role, mechanism, wait):
    """Sends the role's request as `mechanism` and returns the frames of any reply."""
    sock = context.socket(zmq.DEALER)
    sock.setsockopt(zmq.LINGER, 0)
    if mechanism is not None:
        server_key, public, secret = mechanism
        sock.curve_serverkey = server_key
        sock.curve_publickey = public
        sock.curve_secretkey = secret
    sock.connect(endpoint)
    sock.send_multipart(request_for(role))
    answer = None
    if sock.poll(int(wait * 1000)):
        answer = [frame.decode("latin-1")[:60] for frame in sock.recv_multipart()]
    sock.close()
    return answer


def probe(args):
    keys = args.keys
    server = read_key(f"{keys}/client-1/coordinator.pub")
    worker = (read_key(f"{keys}/worker-1/worker.pub"), read_key(f"{keys}/worker-1/worker.key"))
    client = (read_key(f"{keys}/client-1/client.pub"), read_key(f"{keys}/client-1/client.key"))
    wrong_server, _ = zmq.curve_keypair()
    roles = dict(zip(["client", "worker", "data"], args.ports))
    cases = []
    for role, port in roles.items():
        allowed = client if role == "client" else worker
        other = worker if role == "client" else client
        cases += [
            (role, port, "no CURVE", None, False),
            (role, port, "unknown key", (server, *zmq.curve_keypair()), False),
            (role, port, "other domain's key", (server, *other), False),
            (role, port, "wrong coordinator key", (wrong_server, *allowed), False),
            (role, port, "allowed key (control)", (server, *allowed), True),
        ]
    context = zmq.Context()
    results = [None] * len(cases)

    def run(index, case):
        role, port, label, mechanism, _ = case
        answer = probe_one(context, f"tcp://{args.host}:{port}", role, mechanism, args.wait)
        results[index] = {"socket": role, "peer": label, "answered": answer is not None, "reply": answer}

    threads = [threading.Thread(target=run, args=(i, case)) for i, case in enumerate(cases)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    context.term()
    for result, case in zip(results, cases):
        result["expected"] = case[4]
    return {"probes": results}


def zmtp_null_greeting():
    # ZMTP 3.0: signature, version 3.0, mechanism "NULL", as-server 0, filler.
    return b"\xff" + b"\x00" * 8 + b"\x7f" + b"\x03\x00" + b"NULL".ljust(20, b"\x00") + b"\x00" + b"\x00" * 31


def zmtp_ready():
    body = b"\x05READY" + b"\x0bSocket-Type" + struct.pack(">I", 6) + b"DEALER"
    return b"\x04" + bytes([len(body)]) + body


def hammer(args):
    stop = time.monotonic() + args.seconds
    ports = args.ports
    counts = {name: 0 for name in (
        "garbage_connections", "garbage_bytes", "slowloris_opened", "slowloris_dropped_by_coordinator",
        "multipart_connections", "multipart_bytes_sent", "curve_unknown_handshakes", "curve_answers")}
    hold_times = []
    lock = threading.Lock()

    def add(name, value=1):
        with lock:
            counts[name] += value

    def connect(port):
        sock = socket.create_connection((args.host, port), timeout=5)
        sock.settimeout(5)
        return sock

    def garbage():
        rng = random.Random(os.getpid() ^ threading.get_ident())
        while time.monotonic() < stop:
            try:
                sock = connect(rng.choice(ports))
                payload = rng.randbytes(rng.randint(1, 64 * 1024))
                sock.sendall(payload)
                add("garbage_connections")
                add("garbage_bytes", len(payload))
                sock.close()
            except OSError:
                time.sleep(0.01)

    def slowloris():
        rng = random.Random(threading.get_ident())
        held = []
        while time.monotonic() < stop:
            while len(held) < args.slowloris:
                try:
                    sock = connect(rng.choice(ports))
                    sock.setblocking(False)
                    held.append((sock, time.monotonic()))
                    add("slowloris_opened")
                except OSError:
                    break
            alive = []
            for sock, opened in held:
                try:
                    data = sock.recv(4096)
                    if data == b"":
                        raise ConnectionResetError
                    alive.append((sock, opened))  # the coordinator's greeting: keep silent
                except BlockingIOError:
                    alive.append((sock, opened))
                except OSError:
                    hold_times.append(time.monotonic() - opened)
                    add("slowloris_dropped_by_coordinator")
                    sock.close()
            held = alive
            time.sleep(0.1)
        for sock, _ in held:
            sock.close()

    def endless_multipart():
        rng = random.Random(threading.get_ident())
        frame = b"\x03" + struct.pack(">Q", 1 << 20) + b"\x00" * (1 << 20)  # MORE | LONG, 1 MiB
        while time.monotonic() < stop:
            try:
                sock = connect(rng.choice(ports))
                sock.sendall(zmtp_null_greeting() + zmtp_ready())
                add("multipart_connections")
                while time.monotonic() < stop:
                    sock.sendall(frame)  # never a final frame
                    add("multipart_bytes_sent", len(frame))
            except OSError:
                pass
            finally:
                try:
                    sock.close()
                except (OSError, UnboundLocalError):
                    pass

    server = read_key(f"{args.keys}/client-1/coordinator.pub")

    def curve_unknown():
        context = zmq.Context()
        rng = random.Random(threading.get_ident())
        payload = [TAG, b"INFO", b"{\"request\":\"x\"}", b"\x00" * (1 << 20)]
        while time.monotonic() < stop:
            sock = context.socket(zmq.DEALER)
            sock.setsockopt(zmq.LINGER, 0)
            sock.curve_serverkey = server
            sock.curve_publickey, sock.curve_secretkey = zmq.curve_keypair()
            sock.connect(f"tcp://{args.host}:{rng.choice(ports)}")
            sock.send_multipart(payload)
            add("curve_unknown_handshakes")
            if sock.poll(200):
                add("curve_answers")
            sock.close()
        context.term()

    workers = (
        [threading.Thread(target=garbage) for _ in range(args.threads)]
        + [threading.Thread(target=slowloris)]
        + [threading.Thread(target=endless_multipart) for _ in range(2)]
        + [threading.Thread(target=curve_unknown) for _ in range(args.threads)]
    )
    for thread in workers:
        thread.daemon = True
        thread.start()
    # Every attack stops at `stop`; a thread still stuck in a socket call 15 s later (a machine
    # under heavy load) is left behind and counted, so the report never waits on it.
    for thread in workers:
        thread.join(timeout=max(0.0, stop + 15 - time.monotonic()))
    counts["stragglers"] = sum(thread.is_alive() for thread in workers)
    hold_times.sort()
    counts["slowloris_median_hold_seconds"] = round(hold_times[len(hold_times) // 2], 2) if hold_times else None
    return {"hammer": counts}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["probe", "hammer"])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--ports", type=int, nargs=3, required=True, metavar=("CLIENT", "WORKER", "DATA"))
    parser.add_argument("--keys", required=True, help="the directory `crossfold keys generate` wrote")
    parser.add_argument("--wait", type=float, default=3.0, help="probe: seconds to wait for each answer")
    parser.add_argument("--seconds", type=float, default=20.0, help="hammer: how long")
    parser.add_argument("--threads", type=int, default=3, help="hammer: garbage and CURVE threads each")
    parser.add_argument("--slowloris", type=int, default=200, help="hammer: silent connections held")
    args = parser.parse_args()
    print(json.dumps(probe(args) if args.mode == "probe" else hammer(args)), flush=True)
    # Without waiting for straggling attack threads or their ZeroMQ contexts.
    os._exit(0)


if __name__ == "__main__":
    main()
