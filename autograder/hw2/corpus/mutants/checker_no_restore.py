"""Mutant: the finite-difference checker leaves each entry at p - eps."""
import numpy as np

LOSES = ["a"]
MAY_ALSO_LOSE = []


def finite_difference_gradients(loss_fn, params, eps=1e-5):
    grads = []
    for param in params:
        grad = np.zeros(param.shape)
        for index in np.ndindex(param.shape):
            saved = param[index]
            param[index] = saved + eps
            plus = loss_fn()
            param[index] = saved - eps
            minus = loss_fn()
            grad[index] = (plus - minus) / (2 * eps)
        grads.append(grad)
    return grads
