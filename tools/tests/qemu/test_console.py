"""Console tests: the VGA text console."""


def serial_tail(m, rows):
    """The last `rows` console lines as they would appear on an 80-column
    screen (long lines wrap), from the serial output."""
    screen_lines = []
    for line in m.output.rstrip("\n").split("\n"):
        line = line.rstrip()
        if not line.startswith("(XEN) "):
            continue
        while len(line) > 80:
            screen_lines.append(line[:80])
            line = line[80:]
        screen_lines.append(line)
    return screen_lines[-rows:]


def test_vga_console(machine):
    """With console=com1,vga the text screen shows the same console output
    as COM1: its last rows are the serial output's last lines."""
    m = machine("console=com1,vga com1=115200,8n1")
    m.wait_for(r"^\(XEN\) Boot complete")
    rows = m.read_vga_text()
    assert len(rows) == 25 and all(len(r) == 80 for r in rows)
    screen = [r.rstrip() for r in rows]
    while screen and not screen[-1]:
        screen.pop()                       # the cursor row after the last line
    assert screen, "the VGA text screen is empty"
    assert screen[-1].startswith("(XEN) Boot complete"), \
        "last VGA row is not the Boot complete line; screen is:\n" + "\n".join(screen)
    expected = serial_tail(m, len(screen))
    assert screen == expected, \
        "VGA screen differs from the serial console's tail:\nVGA:\n%s\nserial:\n%s" % (
            "\n".join(screen), "\n".join(expected))


def test_vga_not_used_without_console_vga(machine):
    """console=com1 leaves the VGA screen alone: no console line on it."""
    m = machine("console=com1 com1=115200,8n1")
    m.wait_for(r"^\(XEN\) Boot complete")
    screen = "\n".join(r.rstrip() for r in m.read_vga_text())
    assert "(XEN)" not in screen, "console output on VGA without console=vga:\n" + screen
