#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Reads upstream vAccel's public headers (clang's JSON AST of vaccel.h) and
writes:
  probe.c    - compiled against UPSTREAM's headers; when run it prints one
               _Static_assert per public struct size, field offset, field
               size and enum constant, with upstream's values;
  functions.txt - every function upstream's public headers declare
               (non-inline), i.e. the symbols libvaccel must export.
usage: gen_abi_probe.py <clang> <outdir> <upstream include dir> [-I...]"""
import json
import os
import subprocess
import sys


def main():
    clang, outdir, upinc = sys.argv[1], sys.argv[2], sys.argv[3]
    extra = sys.argv[4:]
    upinc = os.path.realpath(upinc)
    src = os.path.join(outdir, "ast_input.c")
    with open(src, "w") as f:
        f.write('#include "vaccel.h"\n')
    ast = json.loads(subprocess.run(
        [clang, "-Xclang", "-ast-dump=json", "-fsyntax-only", "-I", upinc]
        + extra + [src], check=True, capture_output=True).stdout)

    records, enums, funcs = {}, [], set()
    cur_file = [None]

    def in_upstream(node):
        loc = node.get("loc", {})
        f = loc.get("file") or loc.get("expansionLoc", {}).get("file")
        if f:
            cur_file[0] = f
        return cur_file[0] and os.path.realpath(cur_file[0]).startswith(upinc)

    for node in ast.get("inner", []):
        ours = in_upstream(node)
        kind = node.get("kind")
        if not ours:
            continue
        if kind == "RecordDecl" and node.get("completeDefinition") and \
                node.get("name", "").startswith("vaccel_"):
            fields = [c["name"] for c in node.get("inner", [])
                      if c.get("kind") == "FieldDecl" and c.get("name")]
            records[node["name"]] = (node.get("tagUsed", "struct"), fields)
        elif kind == "EnumDecl":
            for c in node.get("inner", []):
                if c.get("kind") == "EnumConstantDecl":
                    enums.append(c["name"])
        elif kind == "FunctionDecl" and node.get("name", "").startswith("vaccel_"):
            if node.get("storageClass") == "static" or node.get("inline"):
                continue
            funcs.add(node["name"])

    with open(os.path.join(outdir, "probe.c"), "w") as f:
        f.write('#include "vaccel.h"\n#include <stddef.h>\n#include <stdio.h>\n')
        f.write("#define SZ(T, name) printf(\"_Static_assert(sizeof(" \
                "%s) == %zu, \\\"sizeof %s\\\");\\n\", name, sizeof(T), name)\n")
        f.write("#define OFF(T, m, name) printf(\"_Static_assert(" \
                "offsetof(%s, %s) == %zu && sizeof(((%s *)0)->%s) == %zu, " \
                "\\\"layout of %s.%s\\\");\\n\", name, #m, offsetof(T, m), " \
                "name, #m, sizeof(((T *)0)->m), name, #m)\n")
        f.write("#define EN(e) printf(\"_Static_assert((long long)(%s) == " \
                "%lld, \\\"value of %s\\\");\\n\", #e, (long long)(e), #e)\n")
        f.write("int main(void)\n{\n")
        for name, (tag, fields) in sorted(records.items()):
            t = f"{tag} {name}"
            f.write(f'\tSZ({t}, "{t}");\n')
            for m in fields:
                f.write(f'\tOFF({t}, {m}, "{t}");\n')
        for e in enums:
            f.write(f"\tEN({e});\n")
        f.write("\treturn 0;\n}\n")
    with open(os.path.join(outdir, "functions.txt"), "w") as f:
        f.write("\n".join(sorted(funcs)) + "\n")


if __name__ == "__main__":
    main()
