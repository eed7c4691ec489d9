"""How a drawing relates to the digits the model learned from (computed at run time from shipped files;
anything that needs the data sets themselves is computed offline, in training/)."""
