"""Mutant: the update rebinds local names instead of changing the arrays in place."""

LOSES = ["Q3", "Q4"]
MAY_ALSO_LOSE = []


def train_one_sample(x, y, weights, biases, learning_rate=0.003):
    loss, weight_grads, bias_grads = backprop_sample(x, y, weights, biases)
    weights = [W - learning_rate * g for W, g in zip(weights, weight_grads)]
    biases = [b - learning_rate * g for b, g in zip(biases, bias_grads)]
    return loss
