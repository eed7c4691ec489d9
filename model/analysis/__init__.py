"""How a drawing relates to the digits the model learned from (computed at run time from shipped files;
anything that needs the data sets themselves is computed offline, in training/).

    embedding_index.py  the shipped index: a bank of training digits' and the test set's embeddings and pixels
    neighbours.py       exact cosine nearest neighbours in the embedding
    not_a_digit.py      the not-a-digit score: how far a drawing's features lie from every digit learned
    marks.py            dots, specks and short dashes, judged by their shape in stroke widths
"""
