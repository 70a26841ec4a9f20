#!/usr/bin/env python3
"""Differential check of petrel's instruction decoder against GNU objdump.

Runs petrel's decoder (through the petrel-decode-words helper) and
`objdump -M power9,raw` over the same words and compares:

  [corpus-a]  every corpus word petrel decodes must be an instruction of
              the same mnemonic for objdump;
  [corpus-b]  every corpus word objdump decodes as one of the P0/P1
              fixed-point instructions of spec/cpu.md section 1.6 must be
              decoded by petrel (missing ones are listed by mnemonic);
  [firmware]  every word of the firmware ELF's code sections that objdump
              decodes must be decoded by petrel with the same mnemonic
              (traceback tables after each function are skipped);
  [rows]      every row of the ops_*.def tables: words built from its
              match value (zero, register and random fillings of the bits
              outside its mask) must decode to that row, objdump must never
              call them a different instruction, and objdump must accept at
              least one of them as the row's instruction;
  [fields]    for every word both sides agree on, the operand fields petrel
              extracted (rt ra rb rc f1 f2 imm: rotate masks, sign-extended
              displacements, SPR numbers, 6-bit shifts, branch targets...)
              must equal the operands objdump prints.

Spelling differences allowed between the two (objdump -> petrel), only when
petrel has no row spelled the objdump way: bca/bcla -> bc/bcl (AA is an
operand of the B form), mfocrf/mtocrf -> mfcr/mtcrf (one CRM row, bit 11 in
f2), sync -> hwsync/lwsync/ptesync by L, tsr. -> tsuspend./tresume. by L,
tendall. -> tend., cpabort -> cp_abort.  objdump's `raw` option prints base
mnemonics only (or, addi, ori, bclr, rlwinm, sync 0 ... never mr, li, nop,
blr, slwi), so no other normalisation is needed.

objdump -M power9 refuses a few words POWER9 executes: the legacy mftb
(31/371, allowed in [rows]) and words with reserved bits set (eieio with bit
6, lwzx with Rc=1...); petrel accepts those on purpose, so the corpus has
none of them (test_decode.c checks them) and [rows] only requires objdump to
accept *some* filling of each row.

Output: one line per input (corpus, firmware, rows, fields), then one
section per failing check, each problem on a line "WHERE word XXXXXXXX:
petrel MNEMONIC [FORM] fields | objdump TEXT -> what differs", at most
--limit lines per mnemonic; [corpus-b] lists the missing P0/P1 mnemonics by
group, then the first corpus word of each.  Mnemonics the corpus has but
petrel lacks outside P0/P1 are listed as info.  The last line is PASS or
FAIL with counts.  Exit status 0 when everything agrees, 1 on any problem,
2 on usage or tool errors.

Run by hand from a build directory:
  python3 ../tests/unit/decode/check_objdump.py --decoder tests/petrel-decode-words \
      --objdump powerpc64-linux-gnu-objdump --corpus tests/decode-corpus.bin \
      --fw-elf firmware/petrel-fw.elf
"""
import argparse
import os
import random
import re
import struct
import subprocess
import sys
import tempfile
from collections import OrderedDict, defaultdict

M64 = (1 << 64) - 1

# --------------------------------------------------------------------------
# spec/cpu.md section 1.6, P0 and P1, fixed-point part (no FP, VMX, VSX).
# Instructions with an Rc bit require their "." form, XO-form ones with OE
# their "o"/"o." forms too: they are the same instruction.  mftb is
# mfspr 268/269, ptesync is sync 2: both covered by mfspr/sync.


def _v(names, rc=False, oe=False):
    out = []
    for n in names.split():
        out.append(n)
        if oe:
            out.append(n + 'o')
        if rc:
            out.append(n + '.')
            if oe:
                out.append(n + 'o.')
    return out


REQUIRED = OrderedDict()
for _prio, _group, _names in [
    ('P0', 'integer arithmetic/logic',
     _v('add subf addc adde addme addze subfc subfe subfme subfze neg mullw mulld '
        'divw divwu divd divdu', rc=True, oe=True)
     + ['addi', 'addis', 'addic', 'addic.', 'subfic', 'mulli']
     + _v('mulhw mulhwu mulhd mulhdu and andc or orc xor nand nor eqv extsb extsh '
          'extsw cntlzw cntlzd', rc=True)
     + ['andi.', 'andis.', 'ori', 'oris', 'xori', 'xoris']),
    ('P0', 'rotate/shift',
     _v('rlwinm rlwimi rlwnm rldicl rldicr rldic rldimi rldcl rldcr sld srd srad '
        'sradi slw srw sraw srawi', rc=True)),
    ('P0', 'compare/CR',
     'cmp cmpi cmpl cmpli mcrf crand crandc creqv crnand crnor cror crorc crxor '
     'mfcr mfocrf mtcrf mtocrf'.split()),
    ('P0', 'branches/traps',
     'b ba bl bla bc bca bcl bcla bclr bclrl bcctr bcctrl tw twi td tdi'.split()),
    ('P0', 'loads/stores',
     'lbz lbzu lbzx lbzux lhz lhzu lhzx lhzux lha lhau lhax lhaux lwz lwzu lwzx '
     'lwzux lwa lwax lwaux ld ldu ldx ldux stb stbu stbx stbux sth sthu sthx sthux '
     'stw stwu stwx stwux std stdu stdx stdux lhbrx lwbrx ldbrx sthbrx stwbrx '
     'stdbrx'.split()),
    ('P0', 'system',
     'sc rfid mfmsr mtmsr mtmsrd mfspr mtspr isync sync eieio icbi dcbst dcbf '
     'dcbt dcbtst dcbz'.split()),
    ('P1', 'atomics',
     'lwarx ldarx stwcx. stdcx. lbarx lharx stbcx. sthcx. lqarx stqcx.'.split()),
    ('P1', 'MMU/privileged', 'tlbie tlbiel tlbsync slbia'.split()),
    ('P1', 'misc 2.06/2.07',
     'popcntb popcntw popcntd cmpb bpermd prtyw prtyd isel'.split()
     + _v('divde divdeu divwe divweu', rc=True, oe=True)),
]:
    for _n in _names:
        REQUIRED.setdefault(_n, (_prio, _group))

# Rows objdump -M power9 never decodes although POWER9 executes them.
ROW_OBJDUMP_UNKNOWN_OK = {
    'mftb': 'legacy mftb (31/371) is rejected by objdump -M power9',
}

# objdump spelling -> petrel spellings (used only when petrel has no row
# spelled like objdump).
SIMPLE_ALIASES = {
    'bca': ['bc'],
    'bcla': ['bcl'],
    'mfocrf': ['mfcr'],
    'mtocrf': ['mtcrf'],
    'tendall.': ['tend.'],
    'cpabort': ['cp_abort'],
    # dcbz with bit 10 set: the PowerPC 970's dcbzl; in ISA 3.0 those bits
    # are reserved, so POWER9 (and petrel) executes it as dcbz.
    'dcbzl': ['dcbz'],
}


def acceptable(objdump_mn, word, petrel_mns):
    ok = {objdump_mn}
    if objdump_mn in petrel_mns:
        return ok
    ok.update(SIMPLE_ALIASES.get(objdump_mn, []))
    if objdump_mn == 'sync':
        ok.add({0: 'hwsync', 1: 'lwsync', 2: 'ptesync'}.get((word >> 21) & 3, 'sync'))
    if objdump_mn == 'tsr.':
        ok.add('tresume.' if (word >> 21) & 1 else 'tsuspend.')
    return ok


# --------------------------------------------------------------------------
# Tools

def run(cmd, stdin=None):
    p = subprocess.run(cmd, input=stdin, capture_output=True, text=True)
    if p.returncode != 0:
        sys.stderr.write('command failed (%d): %s\n%s' % (p.returncode, ' '.join(cmd), p.stderr))
        sys.exit(2)
    return p.stdout


class Decoded:
    __slots__ = ('word', 'mn', 'form', 'rt', 'ra', 'rb', 'rc', 'f1', 'f2', 'uimm', 'simm')

    def __init__(self, line):
        f = line.split()
        self.word = int(f[0], 16)
        self.mn = f[1]
        self.form = f[2]
        self.rt, self.ra, self.rb, self.rc, self.f1, self.f2 = (int(x) for x in f[3:9])
        self.uimm = int(f[9], 16)
        self.simm = self.uimm - (1 << 64) if self.uimm >> 63 else self.uimm

    @property
    def ok(self):
        return self.mn != '(illegal)'


def petrel_decode(helper, words):
    out = run([helper], stdin=''.join('%08x\n' % w for w in words))
    res = [Decoded(l) for l in out.splitlines() if l.strip()]
    if len(res) != len(words):
        sys.stderr.write('decoder helper returned %d lines for %d words\n' % (len(res), len(words)))
        sys.exit(2)
    return res


def petrel_rows(helper):
    rows = []
    for line in run([helper, '--rows']).splitlines():
        op, name, mn, form, prim, mask, match = line.split()
        rows.append(dict(op=int(op), name=name, mn=mn, form=form, primary=int(prim),
                         mask=int(mask, 16), match=int(match, 16)))
    return rows


LINE_RE = re.compile(r'^\s*([0-9a-f]+):\t([0-9a-f]{2}) ([0-9a-f]{2}) ([0-9a-f]{2}) ([0-9a-f]{2})'
                     r'\s*\t(\S+)\s*(.*)$')


def parse_objdump_line(line):
    m = LINE_RE.match(line)
    if not m:
        return None
    addr = int(m.group(1), 16)
    word = int(''.join(m.group(2, 3, 4, 5)), 16)
    mn, ops = m.group(6), m.group(7).strip()
    if mn.startswith('.'):  # .long: not an instruction for objdump
        mn = None
    return addr, word, mn, ops


def objdump_words(objdump, words):
    """Decodes raw big-endian words; returns [(mnemonic or None, operands)]."""
    with tempfile.NamedTemporaryFile(suffix='.bin', delete=False) as f:
        f.write(b''.join(struct.pack('>I', w) for w in words))
        path = f.name
    try:
        out = run([objdump, '-D', '-z', '-b', 'binary', '-m', 'powerpc:common64',
                   '-M', 'power9,raw', '-EB', path])
    finally:
        os.unlink(path)
    res = [None] * len(words)
    for line in out.splitlines():
        p = parse_objdump_line(line)
        if p:
            addr, word, mn, ops = p
            i = addr // 4
            if i < len(words) and words[i] == word:
                res[i] = (mn, ops)
    for i, r in enumerate(res):
        if r is None:
            sys.stderr.write('objdump output lacks word %d (%08x)\n' % (i, words[i]))
            sys.exit(2)
    return res


def objdump_elf(objdump, elf):
    """Code words of an ELF: [(addr, word, mnemonic or None, ops)], traceback tables skipped."""
    out = run([objdump, '-d', '-z', '-M', 'power9,raw', elf])
    items = []  # parsed lines, and None at each symbol or section header
    for line in out.splitlines():
        if re.match(r'^[0-9a-f]+ <.*>:$', line) or line.startswith('Disassembly of section'):
            items.append(None)
        else:
            p = parse_objdump_line(line)
            if p:
                items.append(p)
    res, skipped, in_tb = [], 0, False
    for i, p in enumerate(items):
        if p is None:
            in_tb = False
            continue
        # GCC's traceback table after a function's last instruction: a zero
        # word, then a word with version 0 in its top byte (an opcode-0 word,
        # never code), then data up to the next symbol.
        nxt = items[i + 1] if i + 1 < len(items) else None
        if p[1] == 0 and nxt and 0 < nxt[1] < 0x04000000:
            in_tb = True
        if in_tb:
            skipped += 1
            continue
        res.append(p)
    return res, skipped


# --------------------------------------------------------------------------
# objdump operands -> numbers, and what petrel's fields must be

CRBIT = {'lt': 0, 'gt': 1, 'eq': 2, 'so': 3, 'un': 3}


def parse_ops(s):
    s = re.sub(r'\b([0-9a-f]+) <[^>]*>', r'0x\1', s.strip())  # ELF branch targets
    if not s:
        return []
    out = []
    for tok in s.split(','):
        tok = tok.strip()
        m = re.fullmatch(r'(-?(?:0x[0-9a-f]+|\d+))\((?:r)?(\d+)\)', tok)
        if m:
            out += [int(m.group(1), 0), int(m.group(2))]
            continue
        m = re.fullmatch(r'(?:r|cr)(\d+)', tok)
        if m:
            out.append(int(m.group(1)))
            continue
        m = re.fullmatch(r'4\*cr(\d)\+(lt|gt|eq|so|un)', tok)
        if m:
            out.append(4 * int(m.group(1)) + CRBIT[m.group(2)])
            continue
        if tok in CRBIT:
            out.append(CRBIT[tok])
            continue
        try:
            out.append(int(tok, 0))
        except ValueError:
            return None
    return out


def mask64(mb, me):
    frm = M64 >> mb
    to = (M64 << (63 - me)) & M64
    return (frm & to) if mb <= me else (frm | to)


def shl16(v):
    return v << 16


def nb32(v):
    return v & 31  # lswi/stswi: objdump prints NB=0 as 32


def fields(*specs):
    """Operand i of objdump must equal petrel field specs[i]; a spec is a
    field name, (field, function of the objdump value), or None (ignored)."""
    def check(ops, d, addr):
        if len(ops) > len(specs) or any(s is not None for s in specs[len(ops):]):
            return ['%d operands, expected %d' % (len(ops), len(specs))]
        errs = []
        for v, s in zip(ops, specs):
            if s is None:
                continue
            fld, fn = (s, None) if isinstance(s, str) else s
            want = fn(v) if fn else v
            got = getattr(d, fld)
            if fld == 'uimm':
                want &= M64
            if got != want:
                errs.append('%s = %#x, objdump says %#x' % (fld, got & M64, want & M64))
        return errs
    return check


def rotate(src, kind):
    """rlw*/rld*: objdump `ra,rs,sh|rb,mb[,me]`; petrel rt=RS ra=RA f1=SH|rb=RB uimm=mask."""
    def check(ops, d, addr):
        n = 5 if kind == 'w' else 4
        if len(ops) != n:
            return ['%d operands, expected %d' % (len(ops), n)]
        errs = fields('ra', 'rt', src)(ops[:3], d, addr)
        if kind == 'w':
            want = mask64(ops[3] + 32, ops[4] + 32)
        elif kind == 'l':
            want = mask64(ops[3], 63)
        elif kind == 'r':
            want = mask64(0, ops[3])
        else:  # rldic, rldimi: MASK(mb, 63-sh)
            want = mask64(ops[3], 63 - ops[2])
        if d.uimm != want:
            errs.append('uimm (mask) = %#x, objdump operands give %#x' % (d.uimm, want))
        return errs
    return check


def branch(prefix):
    """b/bc: the target printed by objdump = CIA + disp, or disp with AA."""
    def check(ops, d, addr):
        if len(ops) != len(prefix) + 1:
            return ['%d operands, expected %d' % (len(ops), len(prefix) + 1)]
        errs = fields(*prefix)(ops[:-1], d, addr)
        # objdump prints absolute (AA=1) targets as 32-bit values
        aa = (d.word >> 1) & 1
        m = 0xffffffff if aa else M64
        got = (d.simm if aa else addr + d.simm) & m
        if got != ops[-1] & m:
            errs.append('branch target %#x (simm %d), objdump says %#x'
                        % (got, d.simm, ops[-1] & M64))
        return errs
    return check


def tlbie(ops, d, addr):
    if len(ops) != 5:
        return ['%d operands, expected 5' % len(ops)]
    errs = fields('rb', 'rt', 'f1')(ops[:3], d, addr)
    if d.f2 != (ops[3] << 1 | ops[4]):
        errs.append('f2 = %d, objdump PRS,R = %d,%d' % (d.f2, ops[3], ops[4]))
    return errs


TEMPLATES = {}


def tmpl(names, checker):
    for n in names.split() if isinstance(names, str) else names:
        TEMPLATES[n] = checker


tmpl(_v('add subf addc subfc adde subfe mullw mulld divw divwu divd divdu divwe divweu '
        'divde divdeu', rc=True, oe=True) + _v('mulhw mulhwu mulhd mulhdu', rc=True)
     + 'modsw moduw modsd modud addg6s'.split(), fields('rt', 'ra', 'rb'))
tmpl(_v('addme addze subfme subfze neg', rc=True, oe=True), fields('rt', 'ra'))
tmpl(_v('and andc or orc xor nor nand eqv slw srw sraw sld srd srad', rc=True)
     + ['cmpb', 'bpermd'], fields('ra', 'rt', 'rb'))
tmpl(_v('extsb extsh extsw cntlzw cntlzd cnttzw cnttzd', rc=True)
     + 'popcntb popcntw popcntd prtyw prtyd cdtbcd cbcdtd'.split(), fields('ra', 'rt'))
tmpl(_v('srawi sradi extswsli', rc=True), fields('ra', 'rt', 'f1'))
tmpl('addi addic addic. subfic mulli', fields('rt', 'ra', 'simm'))
tmpl('addis', fields('rt', 'ra', ('simm', shl16)))
tmpl('ori xori andi.', fields('ra', 'rt', 'uimm'))
tmpl('oris xoris andis.', fields('ra', 'rt', ('uimm', shl16)))
tmpl('lbz lbzu lhz lhzu lha lhau lwz lwzu stb stbu sth sthu stw stwu lmw stmw '
     'ld ldu lwa std stdu stq lq', fields('rt', 'simm', 'ra'))
tmpl('lbzx lbzux lhzx lhzux lhax lhaux lwzx lwzux lwax lwaux ldx ldux stbx stbux sthx sthux '
     'stwx stwux stdx stdux lhbrx lwbrx ldbrx sthbrx stwbrx stdbrx lbzcix lhzcix lwzcix '
     'ldcix stbcix sthcix stwcix stdcix lswx stswx stbcx. sthcx. stwcx. stdcx. stqcx. '
     'lwat ldat stwat stdat', fields('rt', 'ra', 'rb'))
tmpl('lbarx lharx lwarx ldarx lqarx', fields('rt', 'ra', 'rb', None))
tmpl('lswi stswi', fields('rt', 'ra', ('rb', nb32)))
tmpl('twi tdi', fields('rt', 'ra', 'simm'))
tmpl('tw td', fields('rt', 'ra', 'rb'))
tmpl('cmpi', fields('rt', 'f1', 'ra', 'simm'))
tmpl('cmpli', fields('rt', 'f1', 'ra', 'uimm'))
tmpl('cmp cmpl cmprb', fields('rt', 'f1', 'ra', 'rb'))
tmpl('cmpeqb', fields('rt', 'ra', 'rb'))
tmpl('setb', fields('rt', 'ra'))
tmpl('mcrxrx', fields('rt'))
tmpl('darn', fields('rt', 'f1'))
tmpl('isel maddhd maddhdu maddld', fields('rt', 'ra', 'rb', 'rc'))
tmpl('addex', fields('rt', 'ra', 'rb', 'f1'))
tmpl('mcrf', fields('rt', 'ra'))
tmpl('crand crandc creqv crnand crnor cror crorc crxor', fields('rt', 'ra', 'rb'))
tmpl('b ba bl bla', branch(()))
tmpl('bc bca bcl bcla', branch(('f1', 'f2')))
tmpl('bclr bclrl bcctr bcctrl bctar bctarl', fields('f1', 'f2', 'rb'))
tmpl('sc scv', fields('f1'))
tmpl('addpcis', fields('rt', ('simm', shl16)))
tmpl('mfspr', fields('rt', 'uimm'))
tmpl('mtspr', fields('uimm', 'rt'))
tmpl('mfcr', fields('rt', None))
tmpl('mfocrf', fields('rt', 'f1'))
tmpl('mtcrf mtocrf', fields('f1', 'rt'))
tmpl('mfmsr', fields('rt'))
tmpl('mtmsr mtmsrd', fields('rt', 'f1'))
tmpl('sync', fields('f1', None))
tmpl('tlbie tlbiel', tlbie)
tmpl('dcbt dcbtst', fields('ra', 'rb', 'rt'))
tmpl('dcbst dcbz icbi', fields('ra', 'rb'))
tmpl('dcbf', fields('ra', 'rb', None))
tmpl('rfid hrfid urfid rfscv isync eieio tlbsync slbsync msgsync cpabort', fields())
tmpl('slbie msgsnd msgclr msgsndp msgclrp', fields('rb'))
tmpl('slbmte slbfee.', fields('rt', 'rb'))
tmpl('slbmfev slbmfee', fields('rt', 'rb', None))
tmpl('icbt', fields(None, 'ra', 'rb'))
tmpl('wait slbia', fields(None))
for _n in ['rlwinm', 'rlwimi']:
    tmpl(_v(_n, rc=True), rotate('f1', 'w'))
tmpl(_v('rlwnm', rc=True), rotate('rb', 'w'))
tmpl(_v('rldicl', rc=True), rotate('f1', 'l'))
tmpl(_v('rldicr', rc=True), rotate('f1', 'r'))
tmpl(_v('rldic rldimi', rc=True), rotate('f1', 'c'))
tmpl(_v('rldcl', rc=True), rotate('rb', 'l'))
tmpl(_v('rldcr', rc=True), rotate('rb', 'r'))


# --------------------------------------------------------------------------

class Report:
    def __init__(self, limit):
        self.limit = limit
        self.sections = OrderedDict()

    def add(self, section, key, text):
        sec = self.sections.setdefault(section, OrderedDict())
        sec.setdefault(key, []).append(text)

    def count(self, section):
        return sum(len(v) for v in self.sections.get(section, {}).values())

    def dump(self, section, title):
        sec = self.sections.get(section)
        if not sec:
            return
        print('\n== %s: %d problem(s) in %d group(s)' % (title, self.count(section), len(sec)))
        print('  groups: %s' % ' '.join(sec))
        for key, items in sec.items():
            for t in items[:self.limit]:
                print('  %s' % t)
            if len(items) > self.limit:
                print('  ... %s: %d more like this' % (key, len(items) - self.limit))


def describe(where, d, od):
    mn, ops = od
    return ('%s word %08x: petrel %s [%s] rt=%d ra=%d rb=%d rc=%d f1=%d f2=%d imm=%#x '
            '| objdump %s') % (
        where, d.word, d.mn, d.form, d.rt, d.ra, d.rb, d.rc, d.f1, d.f2, d.uimm,
        ('%s %s' % (mn, ops)).strip() if mn else '(not an instruction)')


def check_fields(rep, section, where, d, od, addr, stats):
    mn, ops = od
    t = TEMPLATES.get(mn)
    if not t:
        stats['unchecked'].add(mn)
        return
    parsed = parse_ops(ops)
    errs = ['cannot parse objdump operands'] if parsed is None else t(parsed, d, addr)
    stats['checked'] += 1
    if errs:
        rep.add(section, d.mn, '%s -> %s' % (describe(where, d, od), '; '.join(errs)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--decoder', required=True, help='petrel-decode-words helper')
    ap.add_argument('--objdump', required=True)
    ap.add_argument('--corpus', action='append', default=[],
                    help='raw big-endian code (objcopy -O binary)')
    ap.add_argument('--fw-elf', action='append', default=[],
                    help='ELF whose code sections to check')
    ap.add_argument('--random-per-row', type=int, default=48)
    ap.add_argument('--seed', type=int, default=int(os.environ.get('PETREL_DECODE_SEED', '1')))
    ap.add_argument('--limit', type=int, default=4, help='examples printed per mnemonic')
    args = ap.parse_args()

    rep = Report(args.limit)
    stats = {'checked': 0, 'unchecked': set()}
    rows = petrel_rows(args.decoder)
    petrel_mns = {r['mn'] for r in rows}
    print('petrel tables: %d rows, %d mnemonics; objdump: %s' % (
        len(rows), len(petrel_mns), run([args.objdump, '--version']).splitlines()[0]))

    # ---- objdump itself: `raw` must print base mnemonics only
    probe = OrderedDict([(0x7c832378, 'or'), (0x38600005, 'addi'), (0x60000000, 'ori'),
                         (0x4e800020, 'bclr'), (0x4e800420, 'bcctr'), (0x4200ffe4, 'bc'),
                         (0x54c71838, 'rlwinm'), (0x7c2004ac, 'sync'), (0x7c6802a6, 'mfspr')])
    for (w, want), (mn, ops) in zip(probe.items(), objdump_words(args.objdump, list(probe))):
        if mn != want:
            rep.add('objdump', want, 'objdump -M raw prints %08x as "%s %s", expected base '
                    'mnemonic %s: this objdump needs alias normalisation' % (w, mn, ops, want))

    # ---- corpus
    corpus_seen = set()
    missing = OrderedDict()
    not_required = defaultdict(list)
    for path in args.corpus:
        data = open(path, 'rb').read()
        words = [struct.unpack('>I', data[i:i + 4])[0] for i in range(0, len(data) - 3, 4)]
        dec = petrel_decode(args.decoder, words)
        od = objdump_words(args.objdump, words)
        base = os.path.basename(path)
        for i, (d, o) in enumerate(zip(dec, od)):
            where = '%s+%#x' % (base, 4 * i)
            mn = o[0]
            if mn:
                corpus_seen.add(mn)
            if d.ok:
                if not mn or d.mn not in acceptable(mn, d.word, petrel_mns):
                    rep.add('a', d.mn, describe(where, d, o))
                else:
                    check_fields(rep, 'fields', where, d, o, 4 * i, stats)
            elif mn:
                if mn in REQUIRED:
                    missing.setdefault(mn, describe(where, d, o))
                else:
                    not_required[mn].append(d.word)
        print('corpus %s: %d words, %d decoded by petrel, %d by objdump' % (
            base, len(words), sum(d.ok for d in dec), sum(1 for o in od if o[0])))
    if args.corpus:
        lacking = [m for m in REQUIRED if m not in corpus_seen]
        for m in lacking:
            rep.add('corpus', m, 'corpus has no instance of required %s (%s %s)'
                    % ((m,) + REQUIRED[m]))

    # ---- firmware
    for elf in args.fw_elf:
        code, skipped = objdump_elf(args.objdump, elf)
        dec = petrel_decode(args.decoder, [c[1] for c in code])
        base = os.path.basename(elf)
        for (addr, word, mn, ops), d in zip(code, dec):
            if not mn:
                continue
            where = '%s@%#x' % (base, addr)
            if not d.ok or d.mn not in acceptable(mn, word, petrel_mns):
                rep.add('fw', mn, describe(where, d, (mn, ops)))
            else:
                check_fields(rep, 'fields', where, d, (mn, ops), addr, stats)
        print('firmware %s: %d code words (%d traceback words skipped), %d decoded by objdump' % (
            base, len(code), skipped, sum(1 for c in code if c[2])))

    # ---- rows
    rnd = random.Random(args.seed)
    # Zero, register-like and all-ones fillings of the bits outside the mask
    # (objdump refuses some invalid forms, e.g. ldux with RA=0 or RA=RT,
    # mfocrf without exactly one FXM bit), then random ones.
    fills = [0, (3 << 21) | (9 << 16) | (5 << 11), (4 << 21) | (6 << 16) | (2 << 11) | (1 << 6),
             (5 << 21) | (1 << 15), 0x03ffffff]
    words, owner = [], []
    for ri, r in enumerate(rows):
        base = (r['primary'] << 26) | r['match']
        for f in fills + [rnd.getrandbits(26) for _ in range(args.random_per_row)]:
            words.append(base | (f & ~r['mask'] & 0x03ffffff))
            owner.append(ri)
    if words:
        dec = petrel_decode(args.decoder, words)
        od = objdump_words(args.objdump, words)
    else:
        dec = od = []
    by_op = {r['op']: r for r in rows}
    confirmed = set()
    for i, (w, ri, d, o) in enumerate(zip(words, owner, dec, od)):
        r = rows[ri]
        where = 'row %s (%s p=%d mask=%08x match=%08x)' % (r['name'], r['form'], r['primary'],
                                                           r['mask'], r['match'])
        if (r['primary'] << 26 | r['match']) & 0xfc000000 != r['primary'] << 26 or \
                r['match'] & ~r['mask'] & 0xffffffff:
            rep.add('rows', r['name'],
                    '%s: match has bits outside mask/primary: the row never matches' % where)
            continue
        if d.mn != r['mn']:
            other = next((x for x in rows if x['mn'] == d.mn), None)
            # fine only when an earlier row is strictly more specific
            nested = other and other['primary'] == r['primary'] and \
                (other['mask'] & r['mask']) == r['mask'] and other['mask'] != r['mask']
            if not nested:
                rep.add('rows', r['name'], '%s: word %08x decodes as %s, not %s (overlapping rows?)'
                        % (where, w, d.mn, r['mn']))
            continue
        mn = o[0]
        if not mn:
            continue  # reserved bits set or an invalid form: objdump refuses, fine
        if d.mn not in acceptable(mn, w, petrel_mns):
            rep.add('rows', r['name'], describe(where, d, o) + ' (a different instruction!)')
            continue
        confirmed.add(r['name'])
        check_fields(rep, 'fields', where, d, o, 4 * i, stats)
    for r in rows:
        if r['name'] not in confirmed and r['mn'] not in ROW_OBJDUMP_UNKNOWN_OK and \
                r['name'] not in rep.sections.get('rows', {}):
            rep.add('rows', r['name'], 'row %s "%s": objdump never decodes its words as %s '
                    '(wrong primary/mask/match, or not a POWER9 instruction)'
                    % (r['name'], r['mn'], r['mn']))
    print('rows: %d rows, %d words (seed %d), %d rows confirmed by objdump' % (
        len(rows), len(words), args.seed, len(confirmed)))
    for r in rows:
        if r['name'] not in confirmed and r['mn'] in ROW_OBJDUMP_UNKNOWN_OK:
            print('rows: %s not confirmed, allowed: %s'
                  % (r['name'], ROW_OBJDUMP_UNKNOWN_OK[r['mn']]))
    print('fields: %d words checked against objdump operands' % stats['checked'])
    unchecked = sorted(m for m in stats['unchecked'] if m)
    if unchecked:
        print('fields: no operand template for: %s' % ' '.join(unchecked))

    # ---- report
    rep.dump('objdump', '[objdump] unexpected objdump behaviour')
    rep.dump('a', '[corpus-a] petrel decodes, objdump disagrees '
             '(wrong mnemonic or not an instruction)')
    rep.dump('fw', '[firmware] objdump decodes, petrel does not (or differently)')
    rep.dump('rows', '[rows] table rows inconsistent with objdump')
    rep.dump('fields', '[fields] operand fields differ from objdump')
    rep.dump('corpus', '[corpus] corpus incomplete')
    if missing:
        print('\n== [corpus-b] %d P0/P1 mnemonic(s) objdump decodes but petrel does not:'
              % len(missing))
        by_group = OrderedDict()
        for m in missing:
            by_group.setdefault(REQUIRED[m], []).append(m)
        for (prio, group), ms in by_group.items():
            print('  %s %s: %s' % (prio, group, ' '.join(ms)))
        print('  first instance of each:')
        for m, text in missing.items():
            print('    %s' % text)
    if not_required:
        print('\n-- info (not a failure): corpus mnemonics petrel does not decode, not P0/P1: %s' %
              ' '.join(sorted(not_required)))
    nfail = sum(rep.count(s) for s in rep.sections) + len(missing)
    print('\n%s: %d problem(s) [corpus-a %d, corpus-b %d, firmware %d, rows %d, fields %d, '
          'corpus %d]' % (
        'FAIL' if nfail else 'PASS', nfail, rep.count('a'), len(missing), rep.count('fw'),
        rep.count('rows'), rep.count('fields'), rep.count('corpus')))
    return 1 if nfail else 0


if __name__ == '__main__':
    sys.exit(main())
