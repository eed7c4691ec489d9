"""Why the model answers as it does, each explanation a compiled graph over the classifier's logits."""
