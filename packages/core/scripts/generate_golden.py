#!/usr/bin/python3
"""Writes golden ConvTranspose2d cases computed by PyTorch, the semantics convt follows.

Usage: /usr/bin/python3 scripts/generate_golden.py fixtures/golden.json   (Debian's python3-torch)

Each case holds the input, weight and bias, the options, and PyTorch's output. float32 cases keep
float32 parameters and record the output computed in float64 from those float32 values, so a test can
bound the reference's float32 rounding alone. float64 cases are computed in float64 throughout.
The cases cover every value of the conformance sweep: stride 1..4, padding up to beyond
dilation * (kernel - 1), dilation 1..3, groups 1, 2, 3, 4 and depthwise, every kind of legal output
padding (including the ones legal only because of dilation), kernels 1..5 and non-square, batch 1..3
and unbatched input, bias on and off, and outputSize at its minimum and maximum.
"""

import json
import sys

import torch

torch.manual_seed(20261125)


def case(name, n, cin, cout, hw, k, stride=1, padding=0, output_padding=0, dilation=1, groups=1,
         bias=True, output_size=None, dtype="float32", unbatched=False):
    pair = lambda v: list(v) if isinstance(v, (tuple, list)) else [v, v]
    kh, kw = pair(k)
    h, w = pair(hw)
    tdtype = torch.float32 if dtype == "float32" else torch.float64
    x = torch.randn((cin, h, w) if unbatched else (n, cin, h, w), dtype=tdtype)
    weight = torch.randn((cin, cout // groups, kh, kw), dtype=tdtype)
    b = torch.randn((cout,), dtype=tdtype) if bias else None
    m = torch.nn.ConvTranspose2d(cin, cout, (kh, kw), stride=pair(stride), padding=pair(padding),
                                 output_padding=pair(output_padding), groups=groups, bias=bias,
                                 dilation=pair(dilation)).double()
    with torch.no_grad():
        m.weight.copy_(weight.double())
        if bias:
            m.bias.copy_(b.double())
        out = m(x.double(), output_size=output_size) if output_size else m(x.double())
    options = {"stride": pair(stride), "padding": pair(padding), "outputPadding": pair(output_padding),
               "dilation": pair(dilation), "groups": groups}
    if output_size:
        del options["outputPadding"]
        options["outputSize"] = list(output_size)
    flat = lambda t: [float(v) for v in t.reshape(-1).tolist()]
    return {
        "name": name,
        "dtype": dtype,
        "options": options,
        "input": {"shape": list(x.shape), "data": flat(x)},
        "weight": {"shape": list(weight.shape), "data": flat(weight)},
        "bias": {"shape": list(b.shape), "data": flat(b)} if bias else None,
        "output": {"shape": list(out.shape), "data": flat(out)},
    }


cases = []
add = lambda name, *a, **kw: cases.append(case(name, *a, **kw))

# Defaults and each stride.
add("defaults k3", 1, 2, 3, 4, 3)
for s in (1, 2, 3, 4):
    add(f"stride={s} k3", 2, 3, 2, 4, 3, stride=s)
add("stride larger than kernel (gaps)", 1, 2, 2, 3, 2, stride=4)
add("asymmetric stride", 1, 2, 3, (3, 4), (3, 2), stride=(3, 1))
# Padding, up to beyond dilation * (k - 1).
for p in (1, 2, 3):
    add(f"padding={p} k3 s2", 1, 2, 2, 5, 3, stride=2, padding=p)
add("padding beyond dilation*(k-1)", 1, 2, 2, 6, 3, stride=2, padding=4, dilation=1)
add("padding crops almost everything", 1, 1, 1, 4, 3, stride=1, padding=2)
add("asymmetric padding", 1, 2, 2, (4, 5), 3, stride=2, padding=(0, 2))
# Dilation.
for d in (2, 3):
    add(f"dilation={d}", 1, 2, 3, 4, 3, dilation=d)
add("asymmetric dilation", 1, 2, 2, (3, 5), (2, 3), stride=(2, 1), padding=(1, 2), dilation=(3, 2))
# Output padding, including the kind legal only because of dilation.
add("output_padding=1 s2", 1, 2, 2, 4, 3, stride=2, padding=1, output_padding=1)
add("output_padding=[2,1] s3,2", 1, 2, 2, 4, 3, stride=(3, 2), padding=(1, 1), output_padding=(2, 1))
add("output_padding legal by dilation s1 d3 op2", 1, 2, 2, 4, 2, stride=1, dilation=3, output_padding=2)
add("output_padding legal by dilation with padding", 1, 2, 3, (4, 3), 3, stride=(2, 1), padding=(2, 1),
    dilation=(3, 2), output_padding=(2, 1))
add("output_padding with padding holds real values", 1, 1, 1, 3, 3, stride=2, padding=2, output_padding=1)
# Groups.
for g in (2, 3, 4):
    add(f"groups={g}", 1, 2 * g, 3 * g, 4, 3, stride=2, padding=1, groups=g)
add("depthwise", 1, 4, 4, 5, 3, stride=2, padding=1, groups=4)
add("depthwise multiplier 2", 1, 3, 6, 4, (2, 3), stride=2, groups=3)
add("one channel per group in, several out", 1, 2, 6, 3, 2, stride=2, groups=2)
add("several in, one channel per group out", 1, 6, 2, 3, 2, stride=2, groups=2)
# Kernel sizes.
for k in (1, 2, 4, 5):
    add(f"kernel={k}", 1, 2, 2, 4, k, stride=2)
add("kernel [1,5]", 1, 2, 2, 4, (1, 5), stride=(1, 2), padding=(0, 2))
add("kernel [5,2]", 1, 2, 2, 4, (5, 2), stride=(2, 3), padding=(2, 0))
add("1x1 input", 1, 3, 2, 1, 3, stride=2)
add("1x1 kernel stride 2", 1, 3, 2, 3, 1, stride=2)
# Batch, unbatched, bias.
for n in (2, 3):
    add(f"batch={n}", n, 2, 2, 3, 3, stride=2, padding=1)
add("unbatched", 1, 2, 3, 4, 3, stride=2, padding=1, unbatched=True)
add("unbatched groups dilation", 1, 4, 2, 3, 2, stride=2, dilation=2, groups=2, unbatched=True)
add("no bias", 2, 2, 3, 4, 3, stride=2, bias=False)
# outputSize at its minimum and maximum.
add("outputSize min", 1, 2, 2, 4, 3, stride=3, padding=1, output_size=[10, 10])
add("outputSize max", 1, 2, 2, 4, 3, stride=3, padding=1, output_size=[12, 12])
add("outputSize mixed with dilation", 1, 2, 2, 4, 3, stride=(2, 3), padding=1, dilation=2, output_size=[10, 14])
add("outputSize unbatched", 1, 2, 2, 3, 2, stride=2, output_size=[7, 6], unbatched=True)
# The shapes of the benchmark layers, scaled down.
add("dcgan-like k4 s2 p1", 2, 8, 4, 4, 4, stride=2, padding=1)
add("fsrcnn-like k9 s3 p4 op2", 1, 4, 1, 5, 9, stride=3, padding=4, output_padding=2)
add("unet-like k2 s2", 1, 4, 2, 4, 2, stride=2)
add("everything asymmetric", 2, 6, 4, (3, 4), (3, 2), stride=(2, 3), padding=(1, 2), output_padding=(1, 0),
    dilation=(2, 3), groups=2)

# float64 copies of a spread of the above.
for base in ("defaults k3", "dilation=3", "groups=3", "output_padding legal by dilation s1 d3 op2",
             "outputSize max", "unbatched", "everything asymmetric", "fsrcnn-like k9 s3 p4 op2"):
    src = next(c for c in cases if c["name"] == base)
    o = src["options"]
    cin, hw = src["weight"]["shape"][0], src["input"]["shape"][-2:]
    unb = len(src["input"]["shape"]) == 3
    n = 1 if unb else src["input"]["shape"][0]
    cout = src["weight"]["shape"][1] * o["groups"]
    k = src["weight"]["shape"][2:]
    cases.append(case(base + " float64", n, cin, cout, hw, k, stride=o["stride"], padding=o["padding"],
                      output_padding=o.get("outputPadding", 0), dilation=o["dilation"], groups=o["groups"],
                      bias=src["bias"] is not None, output_size=o.get("outputSize"), dtype="float64",
                      unbatched=unb))

with open(sys.argv[1], "w") as f:
    json.dump({"generator": "scripts/generate_golden.py", "torch": torch.__version__, "cases": cases}, f)
    f.write("\n")
print(f"wrote {len(cases)} cases to {sys.argv[1]}")
