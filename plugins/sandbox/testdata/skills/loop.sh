# Spins forever, with a child in the background that would outlive it.
sleep 1000 &
echo $! > bg.pid
while :; do :; done
