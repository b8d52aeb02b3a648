import ZooGraph
