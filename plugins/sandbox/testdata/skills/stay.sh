# Writes its pid to the scratch folder and stays until the test creates
# the file "go" there.
echo $$ > pid
while [ ! -e go ]; do sleep 0.02; done
