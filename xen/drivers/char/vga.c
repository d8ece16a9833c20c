/*
 * vga.c: the VGA text screen (80x25 at 0xb8000) as a console device.
 *
 * Theory of operation. When console= names "vga", the screen the boot
 * loader left in text mode is cleared and receives console output: light
 * grey on black, scrolling up by one row when the last row fills, with
 * the hardware cursor kept after the last character. vga= accepts the
 * values Xen users write for a text console (text-80x25, keep, current);
 * graphics modes are not supported and are refused with a warning.
 */
#include <asm/io.h>
#include <asm/page.h>
#include <xen/console.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/string.h>

#define VGA_TEXT_PADDR 0xb8000
#define VGA_COLS 80
#define VGA_ROWS 25
#define VGA_ATTR 0x07                 /* light grey on black */
#define CRTC_INDEX 0x3d4
#define CRTC_DATA  0x3d5

static volatile uint16_t *screen;
static unsigned int col, row;

static int parse_vga(const char *s)
{
    if ( !strcmp(s, "text-80x25") || !strcmp(s, "keep") ||
         !strcmp(s, "current") )
        return 0;
    return -EINVAL;
}
custom_param("vga", parse_vga);

static void set_cursor(void)
{
    unsigned int pos = row * VGA_COLS + col;

    outb(0x0f, CRTC_INDEX);
    outb(pos & 0xff, CRTC_DATA);
    outb(0x0e, CRTC_INDEX);
    outb((pos >> 8) & 0xff, CRTC_DATA);
}

static void clear_row(unsigned int r)
{
    unsigned int c;

    for ( c = 0; c < VGA_COLS; c++ )
        screen[r * VGA_COLS + c] = (VGA_ATTR << 8) | ' ';
}

static void scroll(void)
{
    unsigned int i;

    for ( i = 0; i < (VGA_ROWS - 1) * VGA_COLS; i++ )
        screen[i] = screen[i + VGA_COLS];
    clear_row(VGA_ROWS - 1);
}

static void newline(void)
{
    col = 0;
    if ( ++row == VGA_ROWS )
    {
        scroll();
        row = VGA_ROWS - 1;
    }
}

static void vga_putc(char c)
{
    if ( c == '\n' )
    {
        newline();
        return;
    }
    if ( c == '\r' )
    {
        col = 0;
        return;
    }
    screen[row * VGA_COLS + col] = (VGA_ATTR << 8) | (uint8_t)c;
    if ( ++col == VGA_COLS )
        newline();
}

static void vga_puts(struct console_device *dev, const char *s, size_t len)
{
    size_t i;

    for ( i = 0; i < len; i++ )
        vga_putc(s[i]);
    set_cursor();
}

static struct console_device vga_console = {
    .name = "vga",
    .puts = vga_puts,
};

void vga_init(void);
void vga_init(void)
{
    unsigned int r;

    if ( !console_wants("vga") )
        return;

    screen = __va(VGA_TEXT_PADDR);
    for ( r = 0; r < VGA_ROWS; r++ )
        clear_row(r);
    col = row = 0;
    console_register(&vga_console);
}
