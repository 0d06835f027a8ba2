print("crossfold")
