"""Mutant: forward differences (f(p + eps) - f(p)) / eps, off by about eps times the curvature."""
import numpy as np

LOSES = ["a"]
MAY_ALSO_LOSE = []


def finite_difference_gradients(loss_fn, params, eps=1e-5):
    grads = []
    base = loss_fn()
    for param in params:
        grad = np.zeros(param.shape)
        for index in np.ndindex(param.shape):
            saved = param[index]
            param[index] = saved + eps
            grad[index] = (loss_fn() - base) / eps
            param[index] = saved
        grads.append(grad)
    return grads
