# Prints the NodeInfo a real yggdrasil node returns for `key`, byte for byte
# as it crossed the wire: asks the admin socket `sock` (getnodeinfo), strips
# the admin reply's indentation outside strings (Go's json.Indent adds it and
# leaves string escapes alone) and cuts out the node's object.
#   python3 capture-nodeinfo.py /path/admin.sock <64-hex key>
import socket, json, sys
def compact(t):
    out=[];ins=False;esc=False
    for ch in t:
        if ins:
            out.append(ch)
            if esc: esc=False
            elif ch=='\\': esc=True
            elif ch=='"': ins=False
        else:
            if ch in ' \t\r\n': continue
            out.append(ch)
            if ch=='"': ins=True
    return ''.join(out)
def balanced(t, i):
    depth=0;ins=False;esc=False
    for j in range(i,len(t)):
        ch=t[j]
        if ins:
            if esc: esc=False
            elif ch=='\\': esc=True
            elif ch=='"': ins=False
            continue
        if ch=='"': ins=True
        elif ch in '{[': depth+=1
        elif ch in '}]':
            depth-=1
            if depth==0: return t[i:j+1]
sock,key=sys.argv[1],sys.argv[2]
s=socket.socket(socket.AF_UNIX); s.connect(sock)
s.sendall(json.dumps({"request":"getnodeinfo","arguments":{"key":key},"keepalive":False}).encode())
data=b''
while True:
    c=s.recv(65536)
    if not c: break
    data+=c
t=compact(data.decode('utf-8'))
i=t.index('"response":{"%s":'%key)+len('"response":{"%s":'%key)
sys.stdout.write(balanced(t,i)+"\n")
