"""Mutant: the bias gradient takes the mean of delta over the rows, dividing by n twice."""

LOSES = ["d", "e"]
MAY_ALSO_LOSE = ["f"]


def backward_pass(dL_dg, caches):
    upstream = dL_dg / dL_dg.shape[0]
    grad_Ws, grad_bs = [], []
    for x, W, activation_grad in reversed(caches):
        delta = upstream * activation_grad
        grad_Ws.append(x.T @ delta)
        grad_bs.append(delta.mean(axis=0, keepdims=True))
        upstream = delta @ W.T
    return grad_Ws[::-1], grad_bs[::-1]
