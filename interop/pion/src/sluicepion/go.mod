module sluicepion
