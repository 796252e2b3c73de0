# calf.gdb - gdb commands for calf: symbols of the VM server and of a
# program, page tables, frame reference counts.
#
#   make debug                                   # QEMU, halted, gdb stub on :1234
#   gdb-multiarch -x tools/calf.gdb build/kernel.elf   # another terminal
#
# The script connects to localhost:1234 (set $calf_port first to use
# another port, or to 0 not to connect) and adds these commands; `calf`
# lists them, docs/debugging.md shows them at work:
#
#   calf-vmserver            load the VM server's symbols
#   calf-program NAME        load build/user/NAME.elf's symbols (one
#                            program at a time: all are linked at 0x10000)
#   calf-ps                  the VM server's processes: pid, state, name,
#                            page-table root
#   calf-pt [ROOT]           walk a page table (default: the one satp
#                            names), print every table and leaf, PTE bits
#                            named, frame reference counts beside them
#   calf-va ADDR [ROOT]      the walk of one address, level by level
#   calf-ref PA              a frame's reference count (vm/frame.h)
#   $calf_pte(ADDR [, ROOT]) the leaf PTE of ADDR, 0 if none
#   $calf_pa(ADDR [, ROOT])  the physical address ADDR maps to
#   $calf_ref(PA)            the reference count of the frame at PA
#   $calf_proc()             the name of the process satp belongs to
#
# ROOT is a page table's physical address (a process's is in calf-ps).
#
# How memory is read: QEMU's gdb stub reads virtual memory as the hart
# would in its current mode, so from U-mode the kernel's memory is out of
# reach and from S-mode a program's (SUM is off). These commands walk the
# page tables themselves and read physical memory (QEMU's
# Qqemu.PhyMemMode), so they work whichever mode and address space the
# hart stopped in. Layer: tools/ (host only); its constants are those of
# sv39/sv39.h, vm/space.h and vm/frame.h, and the kernel's and VM server's
# variables are read by name (threads, vm_frames, procs), so a rename
# there shows in `make test` (test/check_gdb.py).

python
import os
import struct

import gdb

PAGE = 4096
SATP_SV39 = 8
PPN_MASK = (1 << 44) - 1
# PTE bits (sv39/sv39.h). Bit 8 is SV39_PTE_COW in a leaf and
# SPACE_TABLE_COW (a level-0 table shared after fork, vm/space.h) in a
# level-1 entry; bit 9 is unused.
PTE_BITS = "VRWXUGAD"
PTE_V, PTE_R, PTE_W, PTE_X = 1, 2, 4, 8
PTE_COW = 1 << 8
FRAME_PINNED = 0xffffffff
LEVEL_SIZE = {2: 1 << 30, 1: 1 << 21, 0: 1 << 12}
LEVEL_NAME = {2: "1G", 1: "2M", 0: "4K"}

# What one command read (page tables, variables): memory changes whenever
# the hart runs, also between the stops a breakpoint condition makes
# without telling anyone, so it is kept only until the outermost Phys
# block ends. Only the VM server's page-table root, fixed from its start
# on, is kept longer: until the program exits, the connection closes or
# a symbol file is added.
_cache = {}
_boot = {}
_phys_depth = [0]


def _forget_boot(*_):
    _boot.clear()


gdb.events.exited.connect(_forget_boot)
gdb.events.new_objfile.connect(_forget_boot)
if hasattr(gdb.events, "connection_removed"):
    gdb.events.connection_removed.connect(_forget_boot)


def _packet(text):
    out = gdb.execute("maintenance packet " + text, to_string=True)
    return "received: \"OK\"" in out


class Phys:
    """Inside `with Phys():` inferior memory reads are physical. Every
    command and function runs in one, and the cache lives as long as the
    outermost one."""

    def __enter__(self):
        if _phys_depth[0] == 0:
            _cache.clear()
            if gdb.selected_inferior().pid == 0:
                raise gdb.GdbError("calf: not connected: boot QEMU with `make debug`, "
                                   "then target remote :1234")
            if not _packet("Qqemu.PhyMemMode:1"):
                raise gdb.GdbError("calf: the gdb stub cannot read physical memory "
                                   "(QEMU's Qqemu.PhyMemMode): is this QEMU?")
        _phys_depth[0] += 1

    def __exit__(self, *exc):
        _phys_depth[0] -= 1
        if _phys_depth[0] == 0:
            _packet("Qqemu.PhyMemMode:0")
            _cache.clear()
        return False


def phys_read(pa, n):
    with Phys():
        try:
            return bytes(gdb.selected_inferior().read_memory(pa, n))
        except gdb.MemoryError:
            raise gdb.GdbError("calf: no memory at physical address 0x%x" % pa)


def table(pa):
    """The 512 entries of the page table at pa, read once per command."""
    key = ("table", pa)
    if key not in _cache:
        _cache[key] = struct.unpack("<512Q", phys_read(pa, PAGE))
    return _cache[key]


def pte_pa(pte):
    return ((pte >> 10) & PPN_MASK) << 12


def is_leaf(pte):
    return pte & (PTE_R | PTE_W | PTE_X)


def satp_root():
    try:
        satp = int(gdb.parse_and_eval("$satp")) & ((1 << 64) - 1)
    except gdb.error:
        raise gdb.GdbError("calf: no satp to read: connect first (target remote :1234)")
    if satp >> 60 != SATP_SV39:
        raise gdb.GdbError("calf: paging is off (satp 0x%x): nothing to walk yet" % satp)
    return (satp & PPN_MASK) << 12


def walk(va, root=None):
    """[(level, index, pte, table_pa)] from the root down to the leaf or the
    first invalid entry."""
    pa = satp_root() if root is None else root
    path = []
    for level in (2, 1, 0):
        idx = (va >> (12 + 9 * level)) & 0x1ff
        pte = table(pa)[idx]
        path.append((level, idx, pte, pa))
        if not pte & PTE_V or is_leaf(pte):
            break
        pa = pte_pa(pte)
    return path


def translate(va, root=None):
    """The physical address of va, or None."""
    level, _, pte, _ = walk(va, root)[-1]
    if not pte & PTE_V or not is_leaf(pte):
        return None
    return pte_pa(pte) + (va & (LEVEL_SIZE[level] - 1))


def flags(pte, leaf):
    s = "".join(c if pte & (1 << i) else "-" for i, c in enumerate(PTE_BITS))
    if pte & PTE_COW:
        s += " COW" if leaf else " shared"
    if pte & (1 << 9):
        s += " RSW1"
    return s


# ---- the kernel's and the VM server's variables ----

def vmserver_path():
    return os.path.join(build_dir(), "user", "vmserver.elf")


def objfile(vmserver):
    """The kernel's symbol file (gdb's main file) or the VM server's."""
    main = gdb.current_progspace().filename
    for o in gdb.objfiles():
        if not o.filename:
            continue
        if (o.filename.endswith("/vmserver.elf") if vmserver else o.filename == main):
            return o
    return None


def read_virt(addr, size, root=None):
    """size bytes at virtual address addr of the space at root (None:
    satp's), read page by page through the page table."""
    buf = bytearray()
    with Phys():
        va = addr
        while va < addr + size:
            n = min(PAGE - (va & (PAGE - 1)), addr + size - va)
            pa = translate(va, root)
            if pa is None:
                raise gdb.GdbError("calf: 0x%x is not mapped" % va)
            buf += phys_read(pa, n)
            va += n
    return bytes(buf)


def read_var(name, root, what):
    """A variable of the kernel (root None: read through satp, whose upper
    half is the kernel's in every address space) or of the VM server
    (root: its page table), as a gdb.Value; an array as a list of them
    (gdb will not hold a value past max-value-size)."""
    key = ("var", name, root)
    if key in _cache:
        return _cache[key]
    o = objfile(root is not None)
    sym = o and (o.lookup_global_symbol(name) or o.lookup_static_symbol(name))
    if not sym:
        raise gdb.GdbError("calf: no symbol %s: %s" % (name, what))
    typ = sym.type.strip_typedefs()
    raw = read_virt(int(sym.value().address), typ.sizeof, root)
    if typ.code == gdb.TYPE_CODE_ARRAY:
        elem = typ.target()
        val = [gdb.Value(raw[i:i + elem.sizeof], elem)
               for i in range(0, len(raw), elem.sizeof)]
    else:
        val = gdb.Value(raw, typ)
    _cache[key] = val
    return val


def vmserver_root():
    """The VM server's page-table root: the thread with the VM right."""
    if "vmserver_root" in _boot:
        return _boot["vmserver_root"]
    for t in read_var("threads", None, "load the kernel's symbols (build/kernel.elf)"):
        if bool(t["vm_right"]) and int(t["as"]) != 0:
            aspace = t["as"].dereference().type
            raw = read_virt(int(t["as"]), aspace.sizeof)
            _boot["vmserver_root"] = int(gdb.Value(raw, aspace)["space"]["root_pa"])
            return _boot["vmserver_root"]
    raise gdb.GdbError("calf: the VM server is not running yet")


def frames():
    ft = read_var("vm_frames", vmserver_root(), "load the VM server's symbols: calf-vmserver")
    if int(ft["nframes"]) == 0:
        raise gdb.GdbError("calf: the VM server has not set up its frame table yet")
    return ft


def refcount(pa):
    """(count, note) of the frame at pa, count None when not the VM server's."""
    ft = frames()
    pa &= ~(PAGE - 1)
    window, window_pa = int(ft["window"]), int(ft["window_pa"])
    count_va = None
    big_base, big_size = int(ft["big_base"]), int(ft["big_size"])
    if big_base <= pa < big_base + big_size:
        count_va = int(ft["big_ref"]) + 4 * ((pa - big_base) >> 12)
    else:
        for i in range(int(ft["nranges"])):
            r = ft["range"][i]
            base, n = int(r["base"]), int(r["nframes"])
            if base <= pa < base + n * PAGE:
                count_va = int(ft["ref"]) + 4 * (int(r["first"]) + ((pa - base) >> 12))
    if count_va is None:
        return None, "not a VM-server frame (the kernel's)"
    # The counts are in the window: a linear map of RAM (vm/frame.h).
    count = struct.unpack("<I", phys_read(count_va - window + window_pa, 4))[0]
    if pa == int(ft["zero_pa"]):
        return count, "the zero frame (pinned)"
    if count == FRAME_PINNED:
        return count, "pinned (the count array itself)"
    if count == 0:
        return 0, "free"
    return count, ""


def ref_text(pa):
    try:
        count, note = refcount(pa)
    except gdb.GdbError:
        return ""
    if count is None:
        return ""           # the kernel's: its image, its tables, its reserve
    if count == FRAME_PINNED:
        return note
    return "count %d%s" % (count, " (" + note + ")" if note else "")


def procs():
    """[(pid, state, name, root_pa)] of the VM server's process table."""
    root = vmserver_root()
    out = []
    for p in read_var("procs", root, "load the VM server's symbols: calf-vmserver"):
        state = int(p["state"])
        if state == 0:
            continue
        name = bytes(int(p["name"][j]) & 0xff for j in range(p["name"].type.range()[1] + 1))
        out.append((int(p["pid"]), "zombie" if state == 2 else "live",
                    name.split(b"\0")[0].decode(errors="replace"),
                    int(p["space"]["root_pa"])))
    return out


def in_phys(invoke):
    """Run a command's or function's invoke inside one Phys block."""
    def wrapped(*args):
        with Phys():
            return invoke(*args)
    return wrapped


def build_dir():
    f = gdb.current_progspace().filename
    return os.path.dirname(f) if f else "build"


def parse_args(arg, n_min, n_max, usage):
    args = gdb.string_to_argv(arg)
    if not n_min <= len(args) <= n_max:
        raise gdb.GdbError("usage: " + usage)
    return [int(gdb.parse_and_eval(a)) & ((1 << 64) - 1) for a in args]


# ---- commands ----

class Calf(gdb.Command):
    """calf: list calf's gdb commands (tools/calf.gdb, docs/debugging.md)."""

    def __init__(self):
        super().__init__("calf", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        print("""calf-vmserver            load the VM server's symbols
calf-program NAME        load build/user/NAME.elf's symbols (one program at a time)
calf-ps                  the VM server's processes and their page-table roots
calf-pt [-k] [ROOT]      every table and leaf of a page table (default: satp's)
calf-va ADDR [ROOT]      the walk of one address, level by level
calf-ref PA              a frame's reference count
$calf_pte(ADDR [, ROOT]) $calf_pa(ADDR [, ROOT]) $calf_ref(PA) $calf_proc()
help calf-pt (and so on) says more; docs/debugging.md shows them at work.""")


Calf()


class LoadVmServer(gdb.Command):
    """Load the VM server's symbols (build/user/vmserver.elf, beside the kernel).
It is linked at 1 GiB, so its names never stand for a program's code."""

    def __init__(self):
        super().__init__("calf-vmserver", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        if objfile(True):
            print("calf: the VM server's symbols are loaded already")
            return
        gdb.execute("add-symbol-file " + vmserver_path(), from_tty=False)


LoadVmServer()

_program = [None]


class LoadProgram(gdb.Command):
    """calf-program NAME: load build/user/NAME.elf's symbols instead of the
program loaded before (every program is linked at 0x10000), and the VM
server's if they are not loaded yet. A breakpoint at a program address
stops every program that runs there: add
`if $_streq($calf_proc(), "NAME")`."""

    def __init__(self):
        super().__init__("calf-program", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        args = gdb.string_to_argv(arg)
        if len(args) != 1:
            raise gdb.GdbError("usage: calf-program NAME (a file build/user/NAME.elf)")
        path = os.path.join(build_dir(), "user", args[0] + ".elf")
        if not os.path.exists(path):
            raise gdb.GdbError("calf: no %s" % path)
        if not objfile(True):
            gdb.execute("add-symbol-file " + vmserver_path(), from_tty=False)
        if _program[0]:
            gdb.execute("remove-symbol-file " + _program[0], from_tty=False)
            _program[0] = None
        gdb.execute("add-symbol-file " + path, from_tty=False)
        _program[0] = path


LoadProgram()


class Ps(gdb.Command):
    """The VM server's processes: pid, state, name and page-table root."""

    def __init__(self):
        super().__init__("calf-ps", gdb.COMMAND_USER)

    @in_phys
    def invoke(self, arg, from_tty):
        current = satp_root()
        print("  pid  state   root        name")
        for pid, state, name, root in procs():
            mark = "  <- satp" if root == current else ""
            print("%5d  %-6s  0x%-9x %s%s" % (pid, state, root, name, mark))


Ps()


class PageTable(gdb.Command):
    """calf-pt [ROOT]: walk the page table at physical address ROOT (default:
satp's) and print every table and leaf with its PTE bits (V R W X U G A D,
COW in a leaf, "shared" for a level-0 table fork shares) and the VM server's
reference count of each frame. The kernel half (the same in every space) is
left out; calf-pt -k ROOT shows it too."""

    def __init__(self):
        super().__init__("calf-pt", gdb.COMMAND_USER)

    @in_phys
    def invoke(self, arg, from_tty):
        kernel = False
        words = gdb.string_to_argv(arg)
        if words and words[0] == "-k":
            kernel = True
            words = words[1:]
        root = parse_args(" ".join(words), 0, 1, "calf-pt [-k] [ROOT]")
        root = root[0] if root else satp_root()
        counted = True
        try:
            frames()
        except gdb.GdbError:
            counted = False
        print("page table at 0x%x%s" % (root, "" if counted else
                                        "  (calf-vmserver adds reference counts)"))
        leaves = [0]
        with Phys():
            self.level(root, 2, 0, kernel, counted, leaves)
        print("%d leaves" % leaves[0])

    def level(self, pa, level, base, kernel, counted, leaves):
        indent = " .." * (3 - level) + " "
        for idx, pte in enumerate(table(pa)):
            if not pte & PTE_V:
                continue
            va = base + (idx << (12 + 9 * level))
            if level == 2 and idx >= 256:
                if not kernel:
                    continue
                va |= 0xffffff8000000000        # sign-extended upper half
            target = pte_pa(pte)
            count = ref_text(target) if counted else ""
            if is_leaf(pte):
                leaves[0] += 1
                print(("%s%3d: va 0x%x %s pa 0x%x %s %s" % (
                    indent, idx, va, LEVEL_NAME[level], target, flags(pte, True),
                    count)).rstrip())
            else:
                print(("%s%3d: va 0x%x table 0x%x %s %s" % (
                    indent, idx, va, target, flags(pte, False), count)).rstrip())
                if level > 0:
                    self.level(target, level - 1, va, kernel, counted, leaves)


PageTable()


class Va(gdb.Command):
    """calf-va ADDR [ROOT]: how the page table at ROOT (default: satp's)
translates ADDR, one line per level, with reference counts."""

    def __init__(self):
        super().__init__("calf-va", gdb.COMMAND_USER)

    @in_phys
    def invoke(self, arg, from_tty):
        args = parse_args(arg, 1, 2, "calf-va ADDR [ROOT]")
        va = args[0]
        with Phys():
            path = walk(va, args[1] if len(args) > 1 else None)
            for level, idx, pte, tpa in path:
                leaf = is_leaf(pte)
                head = "L%d table 0x%x [%3d] pte 0x%x" % (level, tpa, idx, pte)
                if not pte & PTE_V:
                    print(head + " invalid: 0x%x is not mapped" % va)
                elif leaf:
                    pa = pte_pa(pte) + (va & (LEVEL_SIZE[level] - 1))
                    print(("%s leaf %s %s -> pa 0x%x %s" % (
                        head, LEVEL_NAME[level], flags(pte, True), pa,
                        ref_text(pte_pa(pte)))).rstrip())
                else:
                    print(("%s -> table 0x%x %s %s" % (
                        head, pte_pa(pte), flags(pte, False), ref_text(pte_pa(pte)))).rstrip())


Va()


class Ref(gdb.Command):
    """calf-ref PA: the VM server's reference count of the frame at PA
(vm/frame.h): how many page tables map it, or how many spaces share it
when it is a page table."""

    def __init__(self):
        super().__init__("calf-ref", gdb.COMMAND_USER)

    @in_phys
    def invoke(self, arg, from_tty):
        pa = parse_args(arg, 1, 1, "calf-ref PA")[0]
        count, note = refcount(pa)
        if count is None or count == FRAME_PINNED:
            print("frame 0x%x: %s" % (pa & ~(PAGE - 1), note))
        else:
            print("frame 0x%x: count %d%s" % (pa & ~(PAGE - 1), count,
                                              " (" + note + ")" if note else ""))


Ref()


class PteFn(gdb.Function):
    """$calf_pte(ADDR [, ROOT]): the leaf PTE mapping ADDR, 0 if none."""

    def __init__(self):
        super().__init__("calf_pte")

    @in_phys
    def invoke(self, va, root=None):
        with Phys():
            _, _, pte, _ = walk(int(va), None if root is None else int(root))[-1]
        return pte if pte & PTE_V and is_leaf(pte) else 0


PteFn()


class PaFn(gdb.Function):
    """$calf_pa(ADDR [, ROOT]): the physical address ADDR maps to."""

    def __init__(self):
        super().__init__("calf_pa")

    @in_phys
    def invoke(self, va, root=None):
        with Phys():
            pa = translate(int(va), None if root is None else int(root))
        if pa is None:
            raise gdb.GdbError("calf: 0x%x is not mapped" % int(va))
        return pa


PaFn()


class RefFn(gdb.Function):
    """$calf_ref(PA): the reference count of the frame at PA (-1: not the
VM server's frame)."""

    def __init__(self):
        super().__init__("calf_ref")

    @in_phys
    def invoke(self, pa):
        count, _ = refcount(int(pa))
        return -1 if count is None else count


RefFn()


class ProcFn(gdb.Function):
    """$calf_proc(): the name of the process whose page table satp holds
("vmserver" for the VM server, "" if none)."""

    def __init__(self):
        super().__init__("calf_proc")

    @in_phys
    def invoke(self):
        root = satp_root()
        if root == vmserver_root():
            return "vmserver"
        for _, _, name, proot in procs():
            if proot == root:
                return name
        return ""


ProcFn()


def connect():
    port = gdb.convenience_variable("calf_port")
    port = 1234 if port is None else int(port)
    if port == 0 or gdb.selected_inferior().pid != 0:
        return
    try:
        gdb.execute("target remote localhost:%d" % port)
    except gdb.error as e:
        print("calf: %s; boot QEMU with `make debug`, then: target remote :%d" % (e, port))


connect()
end
