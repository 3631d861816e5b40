"""HW3's helpers: the names of FashionMNIST's ten classes.

Ships beside hw3.ipynb.
"""

CLASS_NAMES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
               "Sneaker", "Bag", "Ankle boot")  # CLASS_NAMES[label] for labels 0 to 9
