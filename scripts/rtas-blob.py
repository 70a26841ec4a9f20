#!/usr/bin/env python3
"""Turns the linked RTAS image (an ELF static PIE linked at 0) into the blob
the firmware embeds (rtas/image.h): the loadable bytes, [0, image_size),
followed by one 32-bit big-endian offset per R_PPC64_RELATIVE relocation.

usage: rtas-blob.py INPUT.elf OUTPUT.bin
Refuses (exit 1, one line) anything the firmware could not place
correctly: a relocation of another type, one outside the image, loadable
bytes outside [0, region_size), a header that disagrees with the ELF.
"""
import struct
import sys

R_PPC64_RELATIVE = 22
MAGIC, VERSION, HEADER_OFFSET = 0x52544153, 2, 8
STATE_SIZE = 0x28  # image.h RTAS_STATE_SIZE


def fail(msg):
    print(f"rtas-blob.py: {msg}", file=sys.stderr)
    sys.exit(1)


def main():
    src, out = sys.argv[1:3]
    elf = open(src, "rb").read()
    if elf[:4] != b"\x7fELF" or elf[4] != 2 or elf[5] != 2:
        fail(f"{src} is not a big-endian ELF64 file")
    (e_type, e_machine, _, _, e_phoff, e_shoff, _, _, e_phentsize, e_phnum, e_shentsize,
     e_shnum, _) = struct.unpack_from(">HHIQQQIHHHHHH", elf, 16)
    if e_type != 3 or e_machine != 21:
        fail("the RTAS image must be a ppc64 static PIE (ET_DYN)")

    loads = []
    for i in range(e_phnum):
        p_type, _, p_offset, p_vaddr, _, p_filesz, p_memsz, _ = struct.unpack_from(
            ">IIQQQQQQ", elf, e_phoff + i * e_phentsize)
        if p_type == 1:
            loads.append((p_vaddr, p_offset, p_filesz, p_memsz))
    image_load = [s for s in loads if s[0] == 0]
    if len(image_load) != 1:
        fail("expected exactly one PT_LOAD segment at address 0")
    _, off, filesz, memsz = image_load[0]
    image = bytearray(elf[off:off + filesz])
    hdr = struct.unpack_from(">8I", image, HEADER_OFFSET)
    magic, version, entry, image_size, region_size, state, align = hdr[:7]
    if magic != MAGIC or version != VERSION:
        fail("no RTAS header at offset 8 (rtas/entry.S)")
    if image_size != filesz or memsz > region_size or entry >= image_size or \
            state + STATE_SIZE > image_size or align & (align - 1):
        fail(f"the header disagrees with the ELF (image {image_size:#x}/{filesz:#x}, "
             f"region {region_size:#x}/{memsz:#x})")
    # Segments past the region are ld's dynamic-linking tables: not loaded.
    for vaddr, _, _, m in loads:
        if vaddr != 0 and vaddr < region_size:
            fail(f"a loadable segment at {vaddr:#x} is inside the region")

    relocs = []
    for i in range(e_shnum):
        (_, sh_type, _, _, sh_offset, sh_size, _, _, _, sh_entsize) = struct.unpack_from(
            ">IIQQQQIIQQ", elf, e_shoff + i * e_shentsize)
        if sh_type == 9:
            fail("REL relocations are not expected in a ppc64 image")
        if sh_type != 4:
            continue
        for r in range(sh_size // sh_entsize):
            r_offset, r_info, r_addend = struct.unpack_from(">QQq", elf, sh_offset + r * sh_entsize)
            if r_info & 0xffffffff != R_PPC64_RELATIVE:
                fail(f"relocation type {r_info & 0xffffffff} at {r_offset:#x}: "
                     "only R_PPC64_RELATIVE can be applied")
            if r_offset % 8 or r_offset + 8 > image_size:
                fail(f"relocation at {r_offset:#x} is outside the image")
            struct.pack_into(">Q", image, r_offset, r_addend)
            relocs.append(r_offset)
    with open(out, "wb") as f:
        f.write(image)
        for r in sorted(relocs):
            f.write(struct.pack(">I", r))


main()
