# Demo: SSKT with the digits 5-9 source and a transfer module over every
# stage of the target.
_base_ = ['./r20_digits04_sskt_linear.py']

model = dict(aux=dict(neck=dict(_delete_=True, type='TransferModule')))
