#!/usr/bin/env python3
"""How long a second TUI takes to show its first frame through a running `shuangsui serve`
(issue 17, acceptance 4): starts `shuangsui --db DB` in a pseudo-terminal of 120x40 and times
until the status bar naming the store is drawn (the replica has arrived and the first frame is
on screen). Standard library only.

    shuangsui --db DB serve &
    python3 tools/tui_first_frame.py target/release/shuangsui DB
"""
import os, pty, sys, time, select, signal
binary, db = sys.argv[1], sys.argv[2]
start = time.time()
pid, fd = pty.fork()
if pid == 0:
    os.environ["TERM"] = "xterm-256color"
    os.environ["COLUMNS"] = "120"; os.environ["LINES"] = "40"
    os.execv(binary, [binary, "--db", db])
import fcntl, termios, struct
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
buf = b""
first_progress = None
while True:
    r, _, _ = select.select([fd], [], [], 20)
    if not r:
        print("timeout", len(buf), repr(buf[-600:])); break
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        break
    if first_progress is None and "载入".encode() in chunk:
        first_progress = time.time() - start
    buf += chunk
    # Answer a cursor-position probe if any.
    if b"\x1b[6n" in chunk:
        os.write(fd, b"\x1b[1;1R")
    if (" " + db + " | ").encode() in buf:
        print(f"first frame after {time.time()-start:.2f} s (progress bar shown after {first_progress if first_progress is None else round(first_progress,2)} s)")
        break
os.kill(pid, signal.SIGTERM)
time.sleep(0.5)
try: os.kill(pid, signal.SIGKILL)
except ProcessLookupError: pass
