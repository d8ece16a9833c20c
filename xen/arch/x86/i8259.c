/*
 * i8259.c: the legacy 8259 interrupt controllers, neutralised.
 *
 * All interrupts go through the IO-APICs, but the 8259 pair may still
 * raise a spurious IRQ 7 or 15 even when masked. Reprogramming them to
 * vectors 0x20-0x2f keeps those away from the exception vectors (where
 * the BIOS left them, at 0x08 and 0x70, IRQ 7 would look like a double
 * fault), and masking every input makes them otherwise silent.
 */
#include <asm/apic.h>
#include <asm/io.h>
#include <asm/irq.h>
#include <xen/lib.h>

#define PIC_MASTER_CMD  0x20
#define PIC_MASTER_DATA 0x21
#define PIC_SLAVE_CMD   0xa0
#define PIC_SLAVE_DATA  0xa1
#define ICW1_INIT_ICW4  0x11
#define ICW4_8086       0x01

void init_8259(bool present)
{
    if ( !present )
        return;
    outb(0xff, PIC_MASTER_DATA);
    outb(0xff, PIC_SLAVE_DATA);
    outb(ICW1_INIT_ICW4, PIC_MASTER_CMD);
    outb(FIRST_LEGACY_VECTOR, PIC_MASTER_DATA);
    outb(1u << 2, PIC_MASTER_DATA);             /* slave on IR2 */
    outb(ICW4_8086, PIC_MASTER_DATA);
    outb(ICW1_INIT_ICW4, PIC_SLAVE_CMD);
    outb(FIRST_LEGACY_VECTOR + 8, PIC_SLAVE_DATA);
    outb(2, PIC_SLAVE_DATA);                    /* cascade identity */
    outb(ICW4_8086, PIC_SLAVE_DATA);
    outb(0xff, PIC_MASTER_DATA);
    outb(0xff, PIC_SLAVE_DATA);
}
