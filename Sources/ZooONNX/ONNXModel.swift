import CONNXProto
