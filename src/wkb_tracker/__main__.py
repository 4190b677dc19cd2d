from wkb_tracker.cli import main

main()
