"""Independent pure-Python replica of BMTK's PoissonSpikeGenerator (MT19937 init_genrand + numpy's
legacy 53-bit double, math.log/math.exp), fed with the corrected rates recorded in the golden JSON.
Shows the golden trains are reproducible without numpy, bit for bit, and how sensitive each case is
to an error in the polyfit rate correction.  Runs with any python3 (no numpy/bmtk needed).

usage: python3 validation/psg/replica_check.py
"""
import json
import math
import os
import sys

GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'golden', 'psg')
class MT:
    def __init__(self, seed):
        self.mt=[0]*624; self.mt[0]=seed & 0xffffffff
        for i in range(1,624):
            self.mt[i]=(1812433253*(self.mt[i-1]^(self.mt[i-1]>>30))+i)&0xffffffff
        self.idx=624
    def gen(self):
        if self.idx>=624:
            for i in range(624):
                y=(self.mt[i]&0x80000000)|(self.mt[(i+1)%624]&0x7fffffff)
                self.mt[i]=self.mt[(i+397)%624]^(y>>1)^(0x9908b0df if y&1 else 0)
            self.idx=0
        y=self.mt[self.idx]; self.idx+=1
        y^=y>>11; y^=(y<<7)&0x9d2c5680; y^=(y<<15)&0xefc60000; y^=y>>18
        return y
    def rand(self):
        a=self.gen()>>5; b=self.gen()>>6
        return (a*67108864.0+b)/9007199254740992.0

def homog(d):
    P=d['params']; mt=MT(P['seed']); fr=P['firing_rate']; ar=P['abs_ref']; tr=P['tau_ref']
    if d['rate_correction']: fr=d['rate_correction']['corrected_rates'][0]
    t0,t1=(0.0,P['times']) if not isinstance(P['times'],list) else (P['times'][0],P['times'][-1]); ids=[]; ts=[]
    conv=1.0 if P.get('output_units')=='s' else 1000.0
    for nid in P['node_ids']:
        c=t0
        while True:
            iv=-math.log(1.0-mt.rand())/fr; c+=iv
            if c>t1: break
            w = 1-math.exp(-(iv-ar)/tr) if tr!=0 else 1
            if ar!=0: w = w*(iv>ar)
            if w==1 or mt.rand()<w:
                ids.append(nid); ts.append(c*conv)
    return ids, ts

def inhom(d):
    P=d['params']; mt=MT(P['seed']); raw=P['firing_rate']; fr=d['rate_correction']['corrected_rates']
    times=P['times']; mx=max(raw); ids=[]; ts=[]
    for nid in P['node_ids']:
        c=times[0]; k=0
        while True:
            iv=-math.log(1.0-mt.rand())/mx; c+=iv
            if c>times[-1]: break
            w=1
            while times[k]<=c: k+=1
            fri=fr[k-1]+(fr[k]-fr[k-1])*(c-times[k-1])/(times[k]-times[k-1])
            if not fri/mx*w < mt.rand():
                ids.append(nid); ts.append(c*1000.0)
    return ids, ts

FAILED = False
for name, fn in [('tutorial_homogeneous',homog),('inhomogeneous',inhom),('refractory_homogeneous',homog),
                 ('tutorial_seconds',homog)]:
    d=json.load(open(os.path.join(GOLDEN, '%s.json')%name))
    ids,ts=fn(d)
    ok = ids == d['node_ids'] and ts == d['timestamps']
    print(name, 'n', len(ts), 'golden', d['n_spikes'], 'bit-exact' if ok else 'MISMATCH')
    if not ok:
        FAILED = True
print('--- sensitivity: corrected rates perturbed by relative eps')
for eps in [1e-15, 1e-13, 1e-11]:
    for name, fn in [('inhomogeneous',inhom),('refractory_homogeneous',homog)]:
        d=json.load(open(os.path.join(GOLDEN, '%s.json')%name))
        d['rate_correction']['corrected_rates']=[r*(1+eps) for r in d['rate_correction']['corrected_rates']]
        ids,ts=fn(d)
        same = ids==d['node_ids']
        rel = max((abs(a-b)/abs(b) for a,b in zip(ts,d['timestamps'])), default=0) if same else None
        print(eps, name, len(ts), same, rel)
sys.exit(1 if FAILED else 0)
