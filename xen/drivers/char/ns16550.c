/*
 * ns16550.c: 16550-compatible UARTs (COM1, COM2) as console devices.
 *
 * Theory of operation. A port is configured from its boot option, written
 * as Xen users write it:
 *
 *     com1=<baud>[/<clock-hz>][,<data><parity><stop>[,<io-base>[,<irq>]]]
 *
 * e.g. com1=115200,8n1 or com1=9600,7e2,0x3f8,4. <baud> may be "auto" to
 * keep whatever divisor the firmware or boot loader programmed. Omitted
 * fields keep their defaults (115200 8n1, the standard I/O base and IRQ).
 * A port is used when console= names it ("com1" / "com2") and the UART
 * answers (its line-status register does not float to 0xff).
 *
 * Output is polled: each byte waits, with a bound, for the transmit holding
 * register to empty, so a wedged or absent UART slows printing but never
 * hangs the hypervisor. "\n" is sent as "\r\n". Input and the interrupt
 * line come with interrupt support.
 */
#include <asm/io.h>
#include <asm/irq.h>
#include <asm/pv/emulate.h>
#include <xen/console.h>
#include <xen/console_input.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/string.h>

/* Register offsets. */
#define UART_RBR 0   /* receive buffer (read) */
#define UART_THR 0   /* transmit holding (write) */
#define UART_DLL 0   /* divisor latch low (DLAB = 1) */
#define UART_IER 1   /* interrupt enable */
#define UART_DLM 1   /* divisor latch high (DLAB = 1) */
#define UART_FCR 2   /* FIFO control (write) */
#define UART_LCR 3   /* line control */
#define UART_MCR 4   /* modem control */
#define UART_LSR 5   /* line status */
#define UART_SCR 7   /* scratch */
#define UART_RBR 0   /* receive buffer (read, DLAB = 0) */
#define UART_IIR 2   /* interrupt identification (read) */

#define LCR_DLAB     0x80
#define LSR_DR       0x01
#define LSR_THRE     0x20
#define IER_ERBFI    0x01
#define RX_BURST_MAX 256
#define FCR_ENABLE   0x01
#define FCR_CLEAR    0x06
#define FCR_TRIG_14  0xc0
#define MCR_DTR      0x01
#define MCR_RTS      0x02
#define MCR_OUT2     0x08

#define DEFAULT_CLOCK_HZ 1843200u     /* the PC's 1.8432 MHz crystal */
#define BAUD_AUTO        0

struct ns16550 {
    const char *name;
    uint16_t io_base;
    uint8_t irq;
    unsigned int baud;            /* BAUD_AUTO: keep the current divisor */
    unsigned int clock_hz;
    unsigned int data_bits;       /* 5..8 */
    char parity;                  /* n o e m s */
    unsigned int stop_bits;       /* 1, 2 */
    struct console_device con;
    bool in_use;
    bool irq_driven;
};

static struct ns16550 uarts[] = {
    { .name = "com1", .io_base = 0x3f8, .irq = 4, .baud = 115200,
      .clock_hz = DEFAULT_CLOCK_HZ, .data_bits = 8, .parity = 'n',
      .stop_bits = 1 },
    { .name = "com2", .io_base = 0x2f8, .irq = 3, .baud = 115200,
      .clock_hz = DEFAULT_CLOCK_HZ, .data_bits = 8, .parity = 'n',
      .stop_bits = 1 },
};

/* ---- Option parsing: check everything, then commit. ---- */

static int parse_baud(const char **s, struct ns16550 *cfg)
{
    const char *end;

    if ( !strncmp(*s, "auto", 4) )
    {
        cfg->baud = BAUD_AUTO;
        *s += 4;
    }
    else if ( **s >= '0' && **s <= '9' )
    {
        unsigned long baud = simple_strtoul(*s, &end, 10);

        if ( baud < 50 || baud > 4000000 )
            return -EINVAL;
        cfg->baud = baud;
        *s = end;
    }

    if ( **s == '/' )
    {
        unsigned long clk = simple_strtoul(*s + 1, &end, 0);

        if ( end == *s + 1 || clk < 16 * 50 || clk > 0xffffffffUL )
            return -EINVAL;
        cfg->clock_hz = clk;
        *s = end;
    }
    return 0;
}

/* "8n1": data bits, parity letter, stop bits. */
static int parse_dps(const char **s, struct ns16550 *cfg)
{
    const char *p = *s;

    if ( p[0] < '5' || p[0] > '8' || !p[1] || !strchr("noems", p[1]) ||
         (p[2] != '1' && p[2] != '2') )
        return -EINVAL;
    cfg->data_bits = p[0] - '0';
    cfg->parity = p[1];
    cfg->stop_bits = p[2] - '0';
    *s = p + 3;
    return 0;
}

static int parse_number_field(const char **s, unsigned long max,
                              unsigned long *out)
{
    const char *end;
    unsigned long v = simple_strtoul(*s, &end, 0);

    if ( end == *s || v > max )
        return -EINVAL;
    *out = v;
    *s = end;
    return 0;
}

/* Fields after the first: ",DPS" ",io-base" ",irq", each may be empty. */
static int parse_fields(const char *s, struct ns16550 *cfg)
{
    unsigned long v;

    if ( *s == ',' && *++s && *s != ',' && parse_dps(&s, cfg) )
        return -EINVAL;
    if ( *s == ',' && *++s && *s != ',' )
    {
        if ( parse_number_field(&s, 0xfff8, &v) || !v )
            return -EINVAL;
        cfg->io_base = v;
    }
    if ( *s == ',' && *++s )
    {
        if ( parse_number_field(&s, 255, &v) )
            return -EINVAL;
        cfg->irq = v;
    }
    return *s ? -EINVAL : 0;
}

static int parse_com(struct ns16550 *uart, const char *s)
{
    struct ns16550 cfg = *uart;

    if ( parse_baud(&s, &cfg) || parse_fields(s, &cfg) )
        return -EINVAL;
    *uart = cfg;
    return 0;
}

static int parse_com1(const char *s)
{
    return parse_com(&uarts[0], s);
}
custom_param("com1", parse_com1);

static int parse_com2(const char *s)
{
    return parse_com(&uarts[1], s);
}
custom_param("com2", parse_com2);

/* ---- Hardware ---- */

static uint8_t uart_in(const struct ns16550 *u, unsigned int reg)
{
    return inb(u->io_base + reg);
}

static void uart_out(const struct ns16550 *u, unsigned int reg, uint8_t v)
{
    outb(v, u->io_base + reg);
}

static void uart_putc(const struct ns16550 *u, char c)
{
    unsigned int spins = 100000;

    while ( !(uart_in(u, UART_LSR) & LSR_THRE) && --spins )
        ;
    uart_out(u, UART_THR, c);
}

static void uart_puts(struct console_device *dev, const char *s, size_t len)
{
    const struct ns16550 *u = container_of(dev, struct ns16550, con);
    size_t i;

    for ( i = 0; i < len; i++ )
    {
        if ( s[i] == '\n' )
            uart_putc(u, '\r');
        uart_putc(u, s[i]);
    }
}

static bool uart_present(const struct ns16550 *u)
{
    uint8_t saved = uart_in(u, UART_SCR);
    bool ok;

    uart_out(u, UART_SCR, 0x5a);
    ok = uart_in(u, UART_SCR) == 0x5a && uart_in(u, UART_LSR) != 0xff;
    uart_out(u, UART_SCR, saved);
    return ok;
}

static uint8_t lcr_bits(const struct ns16550 *u)
{
    static const char parities[] = "noems";
    static const uint8_t parity_bits[] = { 0x00, 0x08, 0x18, 0x28, 0x38 };
    uint8_t lcr = u->data_bits - 5;

    if ( u->stop_bits == 2 )
        lcr |= 0x04;
    lcr |= parity_bits[strchr(parities, u->parity) - parities];
    return lcr;
}

static void uart_setup(struct ns16550 *u)
{
    uart_out(u, UART_IER, 0);
    if ( u->baud == BAUD_AUTO )
    {
        uint16_t div;

        uart_out(u, UART_LCR, LCR_DLAB);
        div = uart_in(u, UART_DLL) | (uart_in(u, UART_DLM) << 8);
        u->baud = div ? u->clock_hz / 16 / div : 115200;
    }
    else
    {
        uint32_t div = u->clock_hz / 16 / u->baud;

        if ( !div )
            div = 1;
        uart_out(u, UART_LCR, LCR_DLAB);
        uart_out(u, UART_DLL, div & 0xff);
        uart_out(u, UART_DLM, (div >> 8) & 0xff);
    }
    uart_out(u, UART_LCR, lcr_bits(u));
    uart_out(u, UART_FCR, FCR_ENABLE | FCR_CLEAR | FCR_TRIG_14);
    uart_out(u, UART_MCR, MCR_DTR | MCR_RTS | MCR_OUT2);
}

void ns16550_init(void)
{
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(uarts); i++ )
    {
        struct ns16550 *u = &uarts[i];

        if ( !console_wants(u->name) )
            continue;
        if ( !uart_present(u) )
        {
            printk(XENLOG_WARNING "%s: no UART answers at io %#x; not used\n",
                   u->name, u->io_base);
            continue;
        }
        uart_setup(u);
        u->con.name = u->name;
        u->con.puts = uart_puts;
        console_register(&u->con);
        u->in_use = true;
        /* Ours: never passed through to a guest's port I/O. */
        ioport_reserve_hypervisor(u->io_base, 8);
        printk("%s: %u,%u%c%u at io %#x, irq %u\n", u->name,
               u->baud, u->data_bits, u->parity, u->stop_bits, u->io_base,
               u->irq);
    }
}

/*
 * Receiving: the UART interrupts when its FIFO reaches the trigger level
 * or a character has waited for four character times; the handler drains
 * the FIFO (bounded, in case the line is stuck) into console input.
 */
static void uart_interrupt(unsigned int gsi, void *dev,
                           const struct cpu_user_regs *regs)
{
    struct ns16550 *u = dev;
    unsigned int n;

    (void)uart_in(u, UART_IIR);
    for ( n = 0; n < RX_BURST_MAX && (uart_in(u, UART_LSR) & LSR_DR); n++ )
        console_rx_char(uart_in(u, UART_RBR), regs);
}

void ns16550_init_irq(void)
{
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(uarts); i++ )
    {
        struct ns16550 *u = &uarts[i];
        int rc;

        if ( !u->in_use || !u->irq )
            continue;
        rc = request_irq(isa_irq_to_gsi(u->irq), uart_interrupt, u->name, u);
        if ( rc )
        {
            printk(XENLOG_WARNING "%s: cannot use irq %u (%d): no serial input\n",
                   u->name, u->irq, rc);
            continue;
        }
        /* Drain anything typed before now, then let the UART interrupt. */
        while ( uart_in(u, UART_LSR) & LSR_DR )
            (void)uart_in(u, UART_RBR);
        uart_out(u, UART_IER, IER_ERBFI);
        u->irq_driven = true;
    }
}
