"""The model side of the Digit Reader: pure NumPy, Pillow and TensorFlow, no web framework.

    errors.py          BadInput and its kinds (the web layer maps them to HTTP statuses)
    reading.py         Reading, its Status, and the "a digit is 0-9" rule
    preprocessing/     images and strokes -> ink -> the MNIST recipe -> the 28x28 model input
    classifier.py      the trained CNN: loading, the hash check, the compiled forward graphs
    explain/           why the model answers as it does (saliency maps)
    analysis/          how a drawing relates to the data the model learned from
    artifacts.py       where the model, its report and its index live; their hashes
    report.py          the evaluation report that ships beside the model
    mnist.py           the MNIST data set, verified, for training and tests
    reader.py          DigitReader: the one door for the dashboard, the API and training
"""
