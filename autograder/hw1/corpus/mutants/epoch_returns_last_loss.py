"""Mutant: train_epoch returns the last sample's loss instead of the mean."""

LOSES = ["Q4"]
MAY_ALSO_LOSE = []


def train_epoch(X, Y, weights, biases, learning_rate=0.003):
    loss = 0.0
    for x, y in zip(X, Y):
        loss = train_one_sample(x, y, weights, biases, learning_rate)
    return loss
