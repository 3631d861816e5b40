"""Mutant: forward_pass applies the activations of the hidden layers only; the output stays
linear."""

LOSES = ["c", "e"]
MAY_ALSO_LOSE = ["d", "f"]


def forward_pass(X, weights, biases, activations):
    caches = []
    out = X
    for i, (W, b, activation_fn) in enumerate(zip(weights, biases, activations)):
        if i == len(weights) - 1:
            out, cache = layer_forward(out, W, b, lambda s: (s, s * 0 + 1))
        else:
            out, cache = layer_forward(out, W, b, activation_fn)
        caches.append(cache)
    return out, caches
